// Package accounts creates and removes iotdefender accounts and their SigV4 access
// keys, for the first start of the server and for `iotdefender accounts`.
package accounts

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/iotdefender/iotdefender/internal/clock"
	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// NewKeyPair returns a random access key id (AKIA + 16 base32 characters, the
// form of AWS long-term keys) and a 40-character secret.
func NewKeyPair() (id, secret string) {
	idBytes := make([]byte, 10)
	secretBytes := make([]byte, 30)
	_, _ = rand.Read(idBytes)
	_, _ = rand.Read(secretBytes)
	id = "AKIA" + base32.StdEncoding.EncodeToString(idBytes)
	secret = base64.StdEncoding.EncodeToString(secretBytes)
	return id, secret
}

// Create creates account id with the given key pair, or a generated one when
// keyID is empty, and returns the key.
func Create(ctx context.Context, sys store.System, clk clock.Clock, id, keyID, secret string) (iot.AccessKey, error) {
	if !iot.ValidAccountID(id) {
		return iot.AccessKey{}, iot.Errorf(iot.InvalidRequest, "Account id %q must be 12 digits.", id)
	}
	if keyID == "" {
		keyID, secret = NewKeyPair()
	}
	if secret == "" {
		return iot.AccessKey{}, iot.Errorf(iot.InvalidRequest, "Access key %s needs a secret access key.", keyID)
	}
	code := make([]byte, 32)
	_, _ = rand.Read(code)
	now := clk.Now()
	key := iot.AccessKey{AccessKeyID: keyID, SecretAccessKey: secret, AccountID: id, CreatedAt: now}
	a := iot.Account{ID: id, RegistrationCode: hex.EncodeToString(code), CreatedAt: now}
	if err := sys.CreateAccount(ctx, a, key); err != nil {
		return iot.AccessKey{}, err
	}
	return key, nil
}

// WriteCredentialsFile writes key as the [default] profile of an AWS
// shared-credentials file at path, readable by its owner only.
func WriteCredentialsFile(path string, key iot.AccessKey) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# iotdefender account %s\n[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n",
		key.AccountID, key.AccessKeyID, key.SecretAccessKey)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(b.String()), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
