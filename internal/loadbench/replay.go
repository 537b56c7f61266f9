// Package loadbench measures request throughput of AWS IoT API endpoints: it
// pre-signs requests with SigV4 (the signing is not timed) and replays them over
// raw keep-alive HTTP/1.1 connections, so the load generator itself costs little
// of the machine it shares with the server under test.
package loadbench

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Result is one measured run.
type Result struct {
	Requests  int64 // answered with 2xx
	Failures  int64 // answered otherwise
	Elapsed   time.Duration
	FirstFail string // status line and body of the first failure
}

// PerSecond is the rate of successful requests.
func (r Result) PerSecond() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

// Replay sends the raw requests to addr over conns connections for at most
// duration and measures the successful ones. With loop, it cycles through the
// requests; otherwise each is sent once and the run ends when they run out.
func Replay(ctx context.Context, addr string, requests [][]byte, loop bool, conns int, duration time.Duration) (Result, error) {
	var next atomic.Int64
	var ok, failed atomic.Int64
	var firstFail atomic.Pointer[string]
	deadline := time.Now().Add(duration)
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	var wg sync.WaitGroup
	errc := make(chan error, conns)
	start := time.Now()
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var c net.Conn
			var r *bufio.Reader
			defer func() {
				if c != nil {
					c.Close()
				}
			}()
			for ctx.Err() == nil {
				i := next.Add(1) - 1
				if loop {
					i %= int64(len(requests))
				} else if i >= int64(len(requests)) {
					return
				}
				if c == nil {
					var err error
					if c, err = net.Dial("tcp", addr); err != nil {
						errc <- err
						return
					}
					r = bufio.NewReaderSize(c, 64<<10)
				}
				_ = c.SetDeadline(time.Now().Add(time.Minute))
				if _, err := c.Write(requests[i]); err != nil {
					errc <- err
					return
				}
				status, body, closing, err := readResponse(r)
				if err != nil {
					errc <- err
					return
				}
				if closing { // the server ends the connection after each response (moto)
					c.Close()
					c = nil
				}
				if status >= 200 && status < 300 {
					ok.Add(1)
				} else {
					failed.Add(1)
					msg := strconv.Itoa(status) + " " + string(body)
					firstFail.CompareAndSwap(nil, &msg)
				}
			}
		}()
	}
	wg.Wait()
	res := Result{Requests: ok.Load(), Failures: failed.Load(), Elapsed: time.Since(start)}
	if p := firstFail.Load(); p != nil {
		res.FirstFail = *p
	}
	close(errc)
	return res, <-errc
}

// readResponse reads one HTTP/1.1 response with a Content-Length body; closing
// reports a "Connection: close" header.
func readResponse(r *bufio.Reader) (status int, body []byte, closing bool, err error) {
	line, err := r.ReadSlice('\n')
	if err != nil {
		return 0, nil, false, err
	}
	fields := bytes.Fields(line)
	if len(fields) < 2 {
		return 0, nil, false, fmt.Errorf("malformed status line %q", line)
	}
	status, err = strconv.Atoi(string(fields[1]))
	if err != nil {
		return 0, nil, false, fmt.Errorf("malformed status line %q", line)
	}
	length := -1
	for {
		h, err := r.ReadSlice('\n')
		if err != nil {
			return 0, nil, false, err
		}
		h = bytes.TrimRight(h, "\r\n")
		if len(h) == 0 {
			break
		}
		name, value, found := bytes.Cut(h, []byte(":"))
		name, value = bytes.TrimSpace(name), bytes.TrimSpace(value)
		switch {
		case !found:
		case bytes.EqualFold(name, []byte("Content-Length")):
			if length, err = strconv.Atoi(string(value)); err != nil {
				return 0, nil, false, fmt.Errorf("malformed Content-Length %q", value)
			}
		case bytes.EqualFold(name, []byte("Connection")):
			closing = bytes.EqualFold(value, []byte("close"))
		}
	}
	if length < 0 {
		return 0, nil, false, errors.New("response without Content-Length")
	}
	body = make([]byte, length)
	_, err = io.ReadFull(r, body)
	return status, body, closing, err
}
