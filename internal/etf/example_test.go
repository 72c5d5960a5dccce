package etf_test

import (
	"fmt"

	"github.com/wirecord/wirecord/internal/etf"
)

func ExampleToJSON() {
	// #{op => 0, t => 'MESSAGE_CREATE', s => 42, d => #{id => 1234567890123456789}}
	// as Discord sends it: atom keys, a snowflake as SMALL_BIG_EXT.
	term := []byte{
		131, 116, 0, 0, 0, 4,
		119, 2, 'o', 'p', 97, 0,
		119, 1, 't', 119, 14, 'M', 'E', 'S', 'S', 'A', 'G', 'E', '_', 'C', 'R', 'E', 'A', 'T', 'E',
		119, 1, 's', 97, 42,
		119, 1, 'd', 116, 0, 0, 0, 1,
		119, 2, 'i', 'd', 110, 8, 0, 0x15, 0x81, 0xe9, 0x7d, 0xf4, 0x10, 0x22, 0x11,
	}
	out, err := etf.ToJSON(nil, term)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(out))
	// Output: {"op":0,"t":"MESSAGE_CREATE","s":42,"d":{"id":1234567890123456789}}
}

func ExampleFromJSON() {
	out, err := etf.FromJSON(nil, []byte(`{"op":1,"d":null}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("% x\n", out)
	// Output: 83 74 00 00 00 02 6d 00 00 00 02 6f 70 61 01 6d 00 00 00 01 64 77 03 6e 69 6c
}

func ExampleError() {
	_, err := etf.ToJSON(nil, []byte{131, 108, 0, 0, 0, 1, 97, 1, 97, 2})
	fmt.Println(err)
	// Output: etf: improper list: the tail is SMALL_INTEGER_EXT, not NIL_EXT at offset 8
}
