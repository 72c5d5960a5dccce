package etf

import (
	"os"
	"testing"
)

// The payload is a MESSAGE_CREATE dispatch with author, member, mentions, an
// embed and an attachment. Its ETF form is Discord's: atom keys, snowflakes as
// integers.
func messageCreate(b *testing.B) (etfForm, jsonForm []byte) {
	jsonForm, err := os.ReadFile("testdata/message_create.json")
	if err != nil {
		b.Fatal(err)
	}
	return discordETF(b, string(jsonForm)), jsonForm
}

func BenchmarkToJSON(b *testing.B) {
	in, _ := messageCreate(b)
	dst := make([]byte, 0, 2*len(in))
	b.ReportAllocs()
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		var err error
		dst, err = ToJSON(dst[:0], in)
		if err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFromJSON(b *testing.B) {
	_, in := messageCreate(b)
	dst := make([]byte, 0, 2*len(in))
	b.ReportAllocs()
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		var err error
		dst, err = FromJSON(dst[:0], in)
		if err != nil {
			b.Fatal(err)
		}
	}
}
