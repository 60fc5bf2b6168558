// note_check opens signed notes with golang.org/x/mod/sumdb/note (Debian golang-golang-x-mod-dev).
//
// stdin:  {"vkeys": ["<vkey>", ...], "notes": {"<label>": "<note text>", ...}}
// stdout: {"<label>": {"verified": ["<signer name>", ...], "unverified": <count>, "error": "<text or empty>"}}
//
// Used by tests/interop/test_go_note.py: every checkpoint we publish, witness cosignatures included,
// must verify with Go's implementation, which ignores signatures by keys it does not know.
package main

import (
	"encoding/json"
	"os"

	"golang.org/x/mod/sumdb/note"
)

type input struct {
	Vkeys []string          `json:"vkeys"`
	Notes map[string]string `json:"notes"`
}

type result struct {
	Verified   []string `json:"verified"`
	Unverified int      `json:"unverified"`
	Error      string   `json:"error"`
}

func main() {
	var in input
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		panic(err)
	}
	var verifiers []note.Verifier
	for _, vk := range in.Vkeys {
		v, err := note.NewVerifier(vk)
		if err != nil {
			panic(err)
		}
		verifiers = append(verifiers, v)
	}
	out := map[string]result{}
	for label, text := range in.Notes {
		r := result{Verified: []string{}}
		n, err := note.Open([]byte(text), note.VerifierList(verifiers...))
		if err != nil {
			r.Error = err.Error()
		}
		if n != nil {
			for _, s := range n.Sigs {
				r.Verified = append(r.Verified, s.Name)
			}
			r.Unverified = len(n.UnverifiedSigs)
		}
		out[label] = r
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		panic(err)
	}
}
