package shard

import (
	"bytes"
	"net"
	"testing"
	"time"
)

// tcpPair is a connected loopback pair.
func tcpPair(t *testing.T) (client, server net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		accepted <- c
	}()
	client, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server = <-accepted
	if server == nil {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() { client.Close(); server.Close() })
	return client, server
}

// nextChunk takes one chunk from r and hands its buffer back, returning the
// chunk's length and its buffer's capacity.
func nextChunk(t *testing.T, r *reader) (n, size int) {
	t.Helper()
	select {
	case res := <-r.ch:
		if res.err != nil {
			t.Fatal(res.err)
		}
		n, size = len(res.buf), cap(res.buf)
		r.release(res.buf)
		return n, size
	case <-time.After(10 * time.Second):
		t.Fatal("no chunk within 10 s")
		return 0, 0
	}
}

// A stream that keeps the socket full is read 64 KiB at a time; once reads
// are small again the buffers go back to 16 KiB.
func TestReaderGrowsWhileReadsFillItAndShrinksWhenTheStreamSlows(t *testing.T) {
	client, server := tcpPair(t)
	// All of it waits in the socket before the first read, so every read
	// can fill its buffer.
	const burst = 512 << 10
	client.(*net.TCPConn).SetReadBuffer(4 << 20)
	if _, err := server.Write(bytes.Repeat([]byte{'x'}, burst)); err != nil {
		t.Fatal(err)
	}
	r := startReader(client)
	defer r.stop()
	grew, read := false, 0
	for read < burst {
		n, size := nextChunk(t, r)
		read += n
		if size > maxReadBuffer {
			t.Fatalf("a read buffer of %d bytes, over the %d ceiling", size, maxReadBuffer)
		}
		if size == maxReadBuffer && n == size {
			grew = true
		}
	}
	if !grew {
		t.Fatalf("no read of %d bytes while %d bytes waited", maxReadBuffer, burst)
	}
	// Small messages, each read alone: the next buffers are small again.
	var size int
	for range 4 {
		if _, err := server.Write([]byte("small")); err != nil {
			t.Fatal(err)
		}
		_, size = nextChunk(t, r)
	}
	if size != readBufferSize {
		t.Fatalf("after small reads the buffer holds %d bytes, want %d", size, readBufferSize)
	}
}
