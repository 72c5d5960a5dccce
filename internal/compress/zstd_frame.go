package compress

import (
	"encoding/binary"
	"fmt"
)

// windowError reports a frame whose window is over the decoder's limit. It
// is an ErrTooLarge: the window is memory the server would have the client
// allocate.
type windowError struct{ window, limit uint64 }

func (e *windowError) Error() string {
	return fmt.Sprintf("compress: zstd-stream: the frame's window of %d bytes is over the limit of %d bytes", e.window, e.limit)
}

func (e *windowError) Is(target error) bool { return target == ErrTooLarge }

// The zstd frame format, RFC 8878 §3.1. ZstdStream reads the structure of
// every message itself, to know which bytes the decoder can consume without
// asking for more than the message holds.
const (
	zstdMagic          = 0xFD2FB528
	zstdSkippableMagic = 0x184D2A50 // the low 4 bits may be anything
	zstdSkippableMask  = 0xFFFFFFF0

	// zstdMaxBlock is the largest block, compressed or not (RFC 8878
	// §3.1.1.2.4, Block_Maximum_Size).
	zstdMaxBlock = 128 << 10
	// zstdMinWindow is the smallest window a frame can have.
	zstdMinWindow = 1 << 10
	// zstdMaxHeader is the largest frame header: magic number, descriptor,
	// window descriptor, 4-byte dictionary ID, 8-byte content size.
	zstdMaxHeader = 4 + 1 + 1 + 4 + 8

	blockRaw        = 0
	blockRLE        = 1
	blockCompressed = 2
)

// zstdFrames follows the frame and block structure of a connection's stream
// across messages.
type zstdFrames struct {
	inFrame  bool // a frame is open: blocks come next
	checksum bool // the open frame ends with a 4-byte checksum
	blockMax int  // the open frame's Block_Maximum_Size

	// hdr is the open frame's header, kept so that it can be handed to the
	// decoder later when it arrived in a message that did not need decoding.
	hdr    [zstdMaxHeader]byte
	hdrLen int
	hdrFed bool // the decoder has read hdr: it is inside the open frame
}

// zstdPlan is what reading one message's structure tells ZstdStream.
type zstdPlan struct {
	// feedEnd is the end of the last unit the decoder must see: a block that
	// yields output or changes the decoder's state, or the last block of a
	// frame (with its checksum). What follows yields nothing and is left out,
	// so that the decoder never reads past the message.
	feedEnd int
	// endsFrame tells that the unit ending at feedEnd ended a frame.
	endsFrame bool
	// known is the output of the message's raw and RLE blocks, which is
	// known without decoding.
	known int
	// hdrAt is where in the message the header of the frame still open at
	// its end starts, or -1 when that frame started earlier or none is open.
	hdrAt int
}

// parse reads the structure of one message and advances f past it. The
// message must hold whole units: frame headers, blocks, checksums, skippable
// frames.
func (f *zstdFrames) parse(msg []byte, maxWindow uint64) (zstdPlan, error) {
	p := zstdPlan{hdrAt: -1}
	off := 0
	for off < len(msg) {
		rest := msg[off:]
		if !f.inFrame {
			if len(rest) < 4 {
				return p, corrupt("zstd-stream: the message ends inside a frame's magic number")
			}
			magic := binary.LittleEndian.Uint32(rest)
			if magic&zstdSkippableMask == zstdSkippableMagic {
				if len(rest) < 8 {
					return p, corrupt("zstd-stream: the message ends inside a skippable frame's header")
				}
				size := binary.LittleEndian.Uint32(rest[4:])
				if uint64(size) > uint64(len(rest)-8) {
					return p, corrupt("zstd-stream: the message ends inside a skippable frame of %d bytes", size)
				}
				off += 8 + int(size)
				continue
			}
			if magic != zstdMagic {
				return p, corrupt("zstd-stream: magic number %08x, want a zstd frame (%08x)", magic, uint32(zstdMagic))
			}
			n, err := f.frameHeader(rest, maxWindow)
			if err != nil {
				return p, err
			}
			p.hdrAt = off
			off += n
			continue
		}

		if len(rest) < 3 {
			return p, corrupt("zstd-stream: the message ends inside a block header")
		}
		bh := uint32(rest[0]) | uint32(rest[1])<<8 | uint32(rest[2])<<16
		last := bh&1 != 0
		size := int(bh >> 3)
		content := size
		yields := size > 0
		switch (bh >> 1) & 3 {
		case blockRaw:
			p.known += size
		case blockRLE:
			content = 1
			p.known += size
		case blockCompressed:
			if size <= len(rest)-3 {
				yields = !emptyCompressedBlock(rest[3 : 3+size])
			}
		default:
			return p, corrupt("zstd-stream: reserved block type")
		}
		if size > f.blockMax {
			return p, corrupt("zstd-stream: block of %d bytes, over the frame's maximum of %d", size, f.blockMax)
		}
		if content > len(rest)-3 {
			return p, corrupt("zstd-stream: the message ends inside a block (%d of %d bytes)", len(rest)-3, content)
		}
		off += 3 + content
		if last {
			if f.checksum {
				if len(msg)-off < 4 {
					return p, corrupt("zstd-stream: the message ends inside a frame's checksum")
				}
				off += 4
			}
			f.inFrame = false
			p.hdrAt = -1
		}
		if yields || last {
			p.feedEnd = off
			p.endsFrame = last
		}
	}
	return p, nil
}

// frameHeader reads the frame header at the start of b (RFC 8878 §3.1.1.1)
// and opens the frame. It returns the header's length.
func (f *zstdFrames) frameHeader(b []byte, maxWindow uint64) (int, error) {
	if len(b) < 5 {
		return 0, corrupt("zstd-stream: the message ends inside a frame header")
	}
	fhd := b[4]
	fcsFlag := fhd >> 6
	single := fhd&(1<<5) != 0
	if fhd&(1<<3) != 0 {
		return 0, corrupt("zstd-stream: reserved bit set in a frame header")
	}
	n := 5
	var window uint64
	if !single {
		if len(b) < 6 {
			return 0, corrupt("zstd-stream: the message ends inside a frame header")
		}
		wd := b[5]
		base := uint64(1) << (10 + wd>>3)
		window = base + base/8*uint64(wd&7)
		n++
	}
	didSize := [4]int{0, 1, 2, 4}[fhd&3]
	fcsSize := [4]int{0, 2, 4, 8}[fcsFlag]
	if fcsFlag == 0 && single {
		fcsSize = 1
	}
	if len(b) < n+didSize+fcsSize {
		return 0, corrupt("zstd-stream: the message ends inside a frame header")
	}
	if id := littleEndian(b[n : n+didSize]); id != 0 {
		return 0, corrupt("zstd-stream: the frame needs dictionary %d, and none is negotiated", id)
	}
	n += didSize
	fcs := littleEndian(b[n : n+fcsSize])
	if fcsSize == 2 {
		fcs += 256
	}
	n += fcsSize
	if single {
		// The window is the frame's content size (at least the minimum).
		window = max(fcs, zstdMinWindow)
	}
	if window > maxWindow {
		return 0, &windowError{window: window, limit: maxWindow}
	}
	f.inFrame = true
	f.checksum = fhd&(1<<2) != 0
	f.blockMax = int(min(window, zstdMaxBlock))
	f.hdrLen = copy(f.hdr[:], b[:n])
	f.hdrFed = false
	return n, nil
}

// emptyCompressedBlock reports whether the content of a compressed block is a
// well-formed block that yields nothing and leaves the decoder's state
// alone: raw or RLE literals of size 0 and no sequences (RFC 8878 §3.1.1.3).
// Anything else, Huffman-coded literals included (they may replace the
// literals table even when empty), is for the decoder to judge.
func emptyCompressedBlock(c []byte) bool {
	if len(c) < 2 {
		return false
	}
	litType := c[0] & 3
	if litType != blockRaw && litType != blockRLE { // literals types share the numbering
		return false
	}
	var regen, hdr int
	switch (c[0] >> 2) & 3 {
	case 0, 2:
		regen, hdr = int(c[0]>>3), 1
	case 1:
		regen, hdr = int(c[0]>>4)|int(c[1])<<4, 2
	case 3:
		if len(c) < 3 {
			return false
		}
		regen, hdr = int(c[0]>>4)|int(c[1])<<4|int(c[2])<<12, 3
	}
	if regen != 0 {
		return false
	}
	off := hdr
	if litType == blockRLE {
		off++ // the repeated byte
	}
	// Number_of_Sequences: 1, 2 or 3 bytes; it must be 0 and end the block.
	if off >= len(c) {
		return false
	}
	switch b0 := c[off]; {
	case b0 == 0:
		off++
	case b0 == 128 && off+1 < len(c) && c[off+1] == 0:
		off += 2
	default:
		return false
	}
	return off == len(c)
}

// littleEndian decodes b, at most 8 bytes, as a little-endian integer.
func littleEndian(b []byte) uint64 {
	var v uint64
	for i, c := range b {
		v |= uint64(c) << (8 * i)
	}
	return v
}
