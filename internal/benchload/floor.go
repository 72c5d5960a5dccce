package benchload

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"

	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/zstd"

	"github.com/wirecord/wirecord/gateway"
	"github.com/wirecord/wirecord/internal/wsproto"
)

// The floors are the least an honest client can do with the same bytes:
// a plain WebSocket reader, one streaming inflater for the connection
// (klauspost's flate and zstd, the fastest Go has), and, for floor-decode,
// encoding/json into a small struct of the fields a handler reads. They do
// not heartbeat, resume or check anything.

// FloorInflate reads the stream and decompresses it, and does nothing with
// the JSON.
var FloorInflate = Client{Name: "floor-inflate", Floor: true, Run: func(ctx context.Context, s *Session) error {
	return runFloor(ctx, s, false)
}}

// FloorDecode reads, decompresses and decodes each event with
// encoding/json into a small struct (op, s, t; d's id, channel, author and
// content), and delivers the content.
var FloorDecode = Client{Name: "floor-decode", Floor: true, Run: func(ctx context.Context, s *Session) error {
	return runFloor(ctx, s, true)
}}

// floorEvent is the small struct floor-decode decodes into.
type floorEvent struct {
	Op int    `json:"op"`
	S  int64  `json:"s"`
	T  string `json:"t"`
	D  struct {
		ID        string `json:"id"`
		ChannelID string `json:"channel_id"`
		Content   string `json:"content"`
		Author    struct {
			ID       string `json:"id"`
			Username string `json:"username"`
		} `json:"author"`
	} `json:"d"`
}

func runFloor(ctx context.Context, s *Session, decode bool) error {
	if s.Shards != 1 {
		return errors.New("benchload: the floors run one shard")
	}
	conn, br, err := dialWebSocket(ctx, s.URL, s.Compression)
	if err != nil {
		return err
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	defer conn.Close()
	frames := &frameReader{br: br}
	var in io.Reader = frames
	switch s.Compression {
	case gateway.CompressZlib:
		var hdr [2]byte
		if _, err := io.ReadFull(frames, hdr[:]); err != nil {
			return ctxErr(ctx, err)
		}
		in = flate.NewReader(frames)
	case gateway.CompressZstd:
		zr, err := zstd.NewReader(frames, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true))
		if err != nil {
			return err
		}
		defer zr.Close()
		in = zr
	}
	dec := json.NewDecoder(in)
	var hello struct{ Op int }
	if err := dec.Decode(&hello); err != nil || hello.Op != 10 {
		return fmt.Errorf("benchload: floor: want HELLO: %v", ctxErr(ctx, err))
	}
	identify := fmt.Sprintf(`{"op":2,"d":{"token":%q,"intents":33281,"properties":{"os":"linux","browser":"floor","device":"floor"}}}`, s.Token)
	if _, err := conn.Write(wsproto.AppendFrame(nil, wsproto.OpText, true, []byte(identify), &[4]byte{1, 2, 3, 4})); err != nil {
		return err
	}
	var ready struct{ T string }
	if err := dec.Decode(&ready); err != nil || ready.T != "READY" {
		return fmt.Errorf("benchload: floor: want READY: %v", ctxErr(ctx, err))
	}
	s.Ready()
	if decode {
		for {
			var ev floorEvent
			if err := dec.Decode(&ev); err != nil {
				return ctxErr(ctx, err)
			}
			s.Deliver(ev.D.Content)
		}
	}
	// Inflate only: count whole events by their end offsets.
	rest := io.MultiReader(dec.Buffered(), in)
	buf := make([]byte, 64<<10)
	var total int64
	counted := 0
	for {
		n, err := rest.Read(buf)
		total += int64(n)
		if k := s.EventsIn(total); k > counted {
			s.DeliverN(k - counted)
			counted = k
		}
		if err != nil {
			return ctxErr(ctx, err)
		}
	}
}

// ctxErr turns the error of a read cut short by the end of the run into nil.
func ctxErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// dialWebSocket opens a WebSocket to the gateway URL with the compression.
func dialWebSocket(ctx context.Context, gatewayURL string, comp gateway.Compression) (net.Conn, *bufio.Reader, error) {
	u, err := url.Parse(gatewayURL)
	if err != nil {
		return nil, nil, err
	}
	q := u.Query()
	q.Set("v", "10")
	q.Set("encoding", "json")
	if comp != gateway.CompressNone {
		q.Set("compress", string(comp))
	}
	u.RawQuery = q.Encode()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", u.Host)
	if err != nil {
		return nil, nil, err
	}
	key, err := wsproto.NewKey(rand.Reader)
	if err != nil {
		conn.Close()
		return nil, nil, err
	}
	if _, err := conn.Write(wsproto.AppendUpgradeRequest(nil, u, key, nil)); err != nil {
		conn.Close()
		return nil, nil, err
	}
	br := bufio.NewReaderSize(conn, 64<<10)
	var head []byte
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			conn.Close()
			return nil, nil, fmt.Errorf("benchload: reading the upgrade response: %w", err)
		}
		head = append(head, line...)
		if len(line) <= 2 {
			break
		}
	}
	resp, _, err := wsproto.ReadResponse(head, len(head))
	if err == nil {
		err = wsproto.CheckUpgrade(resp, key)
	}
	if err != nil {
		conn.Close()
		return nil, nil, err
	}
	return conn, br, nil
}

// frameReader reads the payloads of a server's data frames as one stream
// of bytes (server frames are not masked). A close frame ends it.
type frameReader struct {
	br     *bufio.Reader
	remain int64
}

func (f *frameReader) Read(p []byte) (int, error) {
	for f.remain == 0 {
		var h [2]byte
		if _, err := io.ReadFull(f.br, h[:]); err != nil {
			return 0, err
		}
		op := wsproto.Opcode(h[0] & 0x0f)
		n := int64(h[1] & 0x7f)
		switch n {
		case 126:
			var b [2]byte
			if _, err := io.ReadFull(f.br, b[:]); err != nil {
				return 0, err
			}
			n = int64(binary.BigEndian.Uint16(b[:]))
		case 127:
			var b [8]byte
			if _, err := io.ReadFull(f.br, b[:]); err != nil {
				return 0, err
			}
			n = int64(binary.BigEndian.Uint64(b[:]))
		}
		if op.IsControl() {
			if _, err := f.br.Discard(int(n)); err != nil {
				return 0, err
			}
			if op == wsproto.OpClose {
				return 0, io.EOF
			}
			continue
		}
		f.remain = n
	}
	if int64(len(p)) > f.remain {
		p = p[:f.remain]
	}
	n, err := f.br.Read(p)
	f.remain -= int64(n)
	return n, err
}
