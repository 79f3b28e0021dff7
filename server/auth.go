package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/ccc-connectivity/ccc"
)

// Tokens is the token file of 'ccc serve --auth FILE':
//
//	public_read: false        # true: reads need no token
//	tokens:
//	  - name: alice           # shown in the access log (never the token)
//	    token: "a-long-random-secret"
//	    read: ["*"]           # datasets this token may read ("*": all)
//	    write: [lab-proofreading]
type Tokens struct {
	PublicRead bool    `yaml:"public_read"`
	Tokens     []Token `yaml:"tokens"`
	sums       [][32]byte
}

// Token is one bearer token with its scopes.
type Token struct {
	Name  string   `yaml:"name"`
	Token string   `yaml:"token"`
	Read  []string `yaml:"read"`
	Write []string `yaml:"write"`
}

// minTokenLen is the shortest token accepted in a token file.
const minTokenLen = 16

// LoadTokens reads and checks a token file: unknown keys, empty or short
// tokens, duplicate names or tokens, and invalid dataset names are errors.
func LoadTokens(path string) (*Tokens, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var t Tokens
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&t); err != nil {
		return nil, &ccc.Error{Op: "read tokens", Path: path, Row: -1, Msg: err.Error(), Kind: ccc.ErrUsage,
			Hint: "want public_read: BOOL and tokens: [{name, token, read: [DATASET|*], write: [DATASET|*]}]"}
	}
	if err := t.check(); err != nil {
		return nil, &ccc.Error{Op: "read tokens", Path: path, Row: -1, Msg: err.Error(), Kind: ccc.ErrUsage}
	}
	return &t, nil
}

func (t *Tokens) check() error {
	names, seen := map[string]bool{}, map[[32]byte]bool{}
	t.sums = make([][32]byte, len(t.Tokens))
	for i, k := range t.Tokens {
		if k.Name == "" {
			return fmt.Errorf("token %d has no name", i+1)
		}
		if names[k.Name] {
			return fmt.Errorf("token name %q is used twice", k.Name)
		}
		names[k.Name] = true
		if len(k.Token) < minTokenLen {
			return fmt.Errorf("token %q is shorter than %d characters", k.Name, minTokenLen)
		}
		sum := sha256.Sum256([]byte(k.Token))
		if seen[sum] {
			return fmt.Errorf("token %q repeats another token", k.Name)
		}
		seen[sum] = true
		t.sums[i] = sum
		for _, d := range append(slices.Clone(k.Read), k.Write...) {
			if d == "*" {
				continue
			}
			if err := validName("dataset", d); err != nil {
				return fmt.Errorf("token %q: %v", k.Name, err)
			}
		}
	}
	return nil
}

// authenticate returns the request's token (nil when none was sent);
// an unknown token is ErrUnauthorized. Every known token is compared, in
// constant time, so the time taken says nothing about which one is close.
func (t *Tokens) authenticate(r *http.Request) (*Token, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return nil, nil
	}
	scheme, secret, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || secret == "" {
		return nil, fmt.Errorf("%w: want Authorization: Bearer TOKEN", ErrUnauthorized)
	}
	if t == nil {
		return nil, fmt.Errorf("%w: the server has no tokens (started without --auth)", ErrUnauthorized)
	}
	sum := sha256.Sum256([]byte(strings.TrimSpace(secret)))
	found := -1
	for i := range t.sums {
		if subtle.ConstantTimeCompare(sum[:], t.sums[i][:]) == 1 {
			found = i
		}
	}
	if found < 0 {
		return nil, fmt.Errorf("%w: unknown token", ErrUnauthorized)
	}
	return &t.Tokens[found], nil
}

type tokenKey struct{}

func withToken(ctx context.Context, t *Token) context.Context {
	return context.WithValue(ctx, tokenKey{}, t)
}

func requestToken(r *http.Request) *Token {
	t, _ := r.Context().Value(tokenKey{}).(*Token)
	return t
}

// tokenName names the request's token for the access log.
func tokenName(r *http.Request) string {
	if t := requestToken(r); t != nil {
		return t.Name
	}
	return ""
}

func inScope(list []string, dataset string) bool {
	return slices.Contains(list, "*") || dataset != "" && slices.Contains(list, dataset)
}

// canRead reports whether the request may read dataset ("" = every
// dataset, e.g. SQL over all views).
func (s *Server) canRead(r *http.Request, dataset string) error {
	t := s.cfg.Tokens
	if t == nil || t.PublicRead {
		return nil
	}
	tok := requestToken(r)
	if tok == nil {
		return fmt.Errorf("%w: send Authorization: Bearer TOKEN", ErrUnauthorized)
	}
	if inScope(tok.Read, dataset) || inScope(tok.Write, dataset) {
		return nil
	}
	if dataset == "" {
		return fmt.Errorf("%w: token %q may not read every dataset (needs read: [\"*\"])", ErrForbidden, tok.Name)
	}
	return fmt.Errorf("%w: token %q may not read dataset %q", ErrForbidden, tok.Name, dataset)
}

// readable filters datasets to those the request may read.
func (s *Server) readable(r *http.Request, datasets []string) []string {
	var out []string
	for _, d := range datasets {
		if s.canRead(r, d) == nil {
			out = append(out, d)
		}
	}
	return out
}

// canWrite reports whether the request may write dataset.
func (s *Server) canWrite(r *http.Request, dataset string) error {
	tok := requestToken(r)
	if tok == nil {
		return fmt.Errorf("%w: writes need a token with write scope", ErrUnauthorized)
	}
	if !inScope(tok.Write, dataset) {
		return fmt.Errorf("%w: token %q may not write dataset %q", ErrForbidden, tok.Name, dataset)
	}
	return nil
}

// validName checks a dataset, class or other name that may become part of
// a path: letters, digits, '_', '-', '.', not starting with '.', at most
// 128 characters.
func validName(what, s string) error {
	if s == "" || len(s) > 128 || s[0] == '.' {
		return usagef("%s %q: want 1-128 letters, digits, '_', '-' or '.', not starting with '.'", what, s)
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			return usagef("%s %q: want 1-128 letters, digits, '_', '-' or '.', not starting with '.'", what, s)
		}
	}
	return nil
}
