// Site-relative IO over a built site directory, so Node runs the very modules the browser bundle
// is made of (theme/verifier/src) against the same files the page fetches.
import fs from 'node:fs';
import path from 'node:path';

export function fsIO(siteDir) {
  const full = (p) => {
    const f = path.resolve(siteDir, p);
    if (!f.startsWith(path.resolve(siteDir) + path.sep)) throw new Error(`outside the site: ${p}`);
    return f;
  };
  return {
    async bytes(p) {
      return new Uint8Array(fs.readFileSync(full(p)));
    },
    async json(p) {
      return JSON.parse(fs.readFileSync(full(p), 'utf8'));
    },
    async *chunks(p) {
      for await (const c of fs.createReadStream(full(p), { highWaterMark: 1 << 16 })) yield new Uint8Array(c.buffer, c.byteOffset, c.length);
    },
  };
}
