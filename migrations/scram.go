package migrations

import (
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The salt length and iteration count PostgreSQL's own SCRAM-SHA-256 verifiers use.
const (
	scramSaltLen    = 16
	scramIterations = 4096
)

// scramVerifier is the SCRAM-SHA-256 verifier of password with salt and iterations, as PostgreSQL
// stores it: SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>, in base64, where
// SaltedPassword = PBKDF2-HMAC-SHA-256(password, salt, iterations), StoredKey =
// SHA-256(HMAC(SaltedPassword, "Client Key")) and ServerKey = HMAC(SaltedPassword, "Server Key")
// (RFC 5802, section 3; RFC 7677). password is taken as is: PostgreSQL applies SASLprep first,
// which leaves ASCII unchanged.
func scramVerifier(password string, salt []byte, iterations int) (string, error) {
	salted, err := pbkdf2.Key(sha256.New, password, salt, iterations, sha256.Size)
	if err != nil {
		return "", err
	}
	mac := func(msg string) []byte {
		h := hmac.New(sha256.New, salted)
		h.Write([]byte(msg))
		return h.Sum(nil)
	}
	stored := sha256.Sum256(mac("Client Key"))
	b64 := base64.StdEncoding.EncodeToString
	return fmt.Sprintf("SCRAM-SHA-256$%d:%s$%s:%s", iterations, b64(salt), b64(stored[:]), b64(mac("Server Key"))), nil
}

// scramMatches reports whether stored, a role's rolpassword, is a SCRAM-SHA-256 verifier of password.
func scramMatches(stored, password string) bool {
	rest, ok := strings.CutPrefix(stored, "SCRAM-SHA-256$")
	if !ok {
		return false
	}
	iterText, rest, _ := strings.Cut(rest, ":")
	saltText, _, _ := strings.Cut(rest, "$")
	iterations, err := strconv.Atoi(iterText)
	if err != nil || iterations < 1 || iterations > 1<<20 {
		return false
	}
	salt, err := base64.StdEncoding.DecodeString(saltText)
	if err != nil {
		return false
	}
	v, err := scramVerifier(password, salt, iterations)
	return err == nil && hmac.Equal([]byte(v), []byte(stored))
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
