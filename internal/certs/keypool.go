package certs

import (
	"context"
	"crypto/rsa"
	"io"
	"sync"
)

// pooledKeyBits is the size of the keys CreateKeysAndCertificate hands out.
const pooledKeyBits = 2048

// KeyPool keeps RSA-2048 keys generated ahead of time, so that
// CreateKeysAndCertificate answers without waiting for key generation. One
// background goroutine refills it. Every key is handed out once.
type KeyPool struct {
	keys   chan *rsa.PrivateKey
	random io.Reader
	bits   int

	stop      chan struct{}
	done      chan struct{}
	closeOnce sync.Once
}

// NewKeyPool starts a pool that holds up to size keys. With size 0 every key is
// generated when asked for. Call Close to stop the background generation.
func NewKeyPool(size int, random io.Reader) *KeyPool {
	return newKeyPool(size, pooledKeyBits, random)
}

func newKeyPool(size, bits int, random io.Reader) *KeyPool {
	p := &KeyPool{
		keys:   make(chan *rsa.PrivateKey, max(size, 0)),
		random: random,
		bits:   bits,
		stop:   make(chan struct{}),
		done:   make(chan struct{}),
	}
	if size > 0 {
		go p.fill()
	} else {
		close(p.done)
	}
	return p
}

func (p *KeyPool) fill() {
	defer close(p.done)
	for {
		key, err := rsa.GenerateKey(p.random, p.bits)
		if err != nil {
			return // Get generates inline and reports the error to its caller
		}
		select {
		case p.keys <- key:
		case <-p.stop:
			return
		}
	}
}

// Get returns a pooled key at once, or generates one when the pool is empty.
func (p *KeyPool) Get(ctx context.Context) (*rsa.PrivateKey, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	select {
	case key := <-p.keys:
		return key, nil
	default:
		return rsa.GenerateKey(p.random, p.bits)
	}
}

// Close stops the background generation and waits for it to end. Keys still in
// the pool can be taken with Get.
func (p *KeyPool) Close() {
	p.closeOnce.Do(func() { close(p.stop) })
	<-p.done
}
