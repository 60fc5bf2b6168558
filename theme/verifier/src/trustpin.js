// Which trust.json this page believes, and who vouched for the checkpoints (spec §3.8, §3.11).
//
// A site cannot vouch for itself: an impostor serving its own trust.json with its own keys
// would pass every other check. So the page pins the SHA-256 fingerprint of trust.json's
// RFC 8785 canonical bytes — from the site configuration (data-trust-fp), or, better, from a
// citizen who copied it from the README, the About page or the official gazette (?fp=…) —
// and refuses a trust.json that does not match. It always shows the fingerprint and where
// the official one is published, so anyone can compare.

import { canonicalBytes } from './json.js';
import { sha256Hex } from './hash.js';
import { cstText } from './bytes.js';

export function trustFingerprint(raw) {
  return sha256Hex(canonicalBytes(raw));
}

const group = (hex) => hex.replace(/(.{4})(?=.)/g, '$1 ');

/** The pin from the page: ?fp= (what the citizen typed or followed) beats the site's own value. */
export function trustPinFrom(box, params) {
  const typed = (params.get('fp') || '').replace(/[\s:]/g, '').toLowerCase();
  const fingerprint = typed || (box.dataset.trustFp || '').toLowerCase();
  return { fingerprint, source: typed ? 'url' : 'site', gazette: box.dataset.trustGazette || '' };
}

function where(pin) {
  const g = pin && pin.gazette ? pin.gazette : '';
  return {
    zh: `官方指纹公布在：本站代码仓库的 README、本站“关于”页面${g ? `、${g}` : ''}。`,
    en: `The official fingerprint is published in the repository README, on this site's About page${g ? `, and in ${g}` : ''}.`,
  };
}

/** null when trust.json matches the pin (or nothing is pinned); else the refusal, in both languages. */
export function checkTrustPin(trust, pin) {
  if (!pin || !pin.fingerprint) return null;
  if (trust.fingerprint === pin.fingerprint) return null;
  const w = where(pin);
  const by = pin.source === 'url' ? { zh: '您提供的指纹', en: 'the fingerprint you supplied' } : { zh: '本页固定的指纹', en: 'the fingerprint pinned by this page' };
  return {
    zh: `trust.json 的指纹 ${group(trust.fingerprint)} 与${by.zh} ${group(pin.fingerprint)} 不符：这可能是冒充的网站，其密钥不可信。${w.zh}`,
    en: `trust.json has fingerprint ${group(trust.fingerprint)}, not ${by.en} ${group(pin.fingerprint)}: this may be an impostor site whose keys mean nothing. ${w.en}`,
  };
}

/** A line for step 2: the fingerprint in use and where to compare it. */
export function trustLine(trust, pin) {
  const w = where(pin);
  return {
    zh: `trust.json 指纹（SHA-256，RFC 8785 规范化）：${group(trust.fingerprint)}。请与官方公布的指纹比对。${w.zh}`,
    en: `trust.json fingerprint (SHA-256 of its RFC 8785 canonical form): ${group(trust.fingerprint)}. Compare it with the official one. ${w.en}`,
  };
}

/** A line for step 10: which witnesses vouched for the checkpoint, and when (their own clocks). */
export function witnessLine(cp, policy) {
  if (!policy || !cp.witnesses) {
    return { zh: 'trust.json 没有指定见证者：检查点只由运营方的日志密钥签名。', en: 'trust.json names no witnesses: the checkpoint rests on the operator\'s log key alone.' };
  }
  const zh = cp.witnesses.map((w) => `${w.name}（${cstText(w.time)}）`).join('、');
  const en = cp.witnesses.map((w) => `${w.name} (${cstText(w.time)})`).join(', ');
  return {
    zh: `独立见证者联署：${zh}；需 ${policy.quorum}/${policy.witnesses.length} 个，已满足，见证时间 ${cstText(cp.witnessedTime)}`,
    en: `cosigned by independent witnesses: ${en}; quorum ${policy.quorum} of ${policy.witnesses.length} met, witnessed at ${cstText(cp.witnessedTime)}`,
  };
}
