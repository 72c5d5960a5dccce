package discord

import (
	"encoding/json"
	"testing"
)

// benchMessageCreate is a typical guild MESSAGE_CREATE.
const benchMessageCreate = `{"type":0,"tts":false,"timestamp":"2024-05-01T12:00:00.123000+00:00","pinned":false,
"nonce":"1235123512351235","mentions":[{"id":"1175432209876543210","username":"quillon","global_name":"quillon","discriminator":"0","avatar":"5d1e0c7a9b3f42e8a6c0d4b2f1e3a7c9",
"member":{"roles":["1182004420100000010"],"joined_at":"2020-01-01T00:00:00+00:00","deaf":false,"mute":false,"flags":0}}],
"mention_roles":[],"mention_everyone":false,"member":{"roles":["1182004420100000010","1182004418843037706"],"premium_since":null,"pending":false,"nick":null,"mute":false,
"joined_at":"2019-06-01T10:00:00.000000+00:00","flags":0,"deaf":false,"communication_disabled_until":null,"avatar":null},
"id":"1235123512351235123","flags":0,"embeds":[],"edited_timestamp":null,"content":"hello <@1175432209876543210>, see you at 5",
"components":[],"channel_type":0,"channel_id":"1111111111111111111","author":{"username":"mirela","public_flags":0,"id":"1176003112233445566",
"global_name":"mirela","discriminator":"0","avatar":"a_77c0e1f2d3b4a5968778695a4b3c2d1e"},"attachments":[],"guild_id":"1182004418843037706"}`

func BenchmarkDecodeMessageCreate(b *testing.B) {
	data := []byte(benchMessageCreate)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var m MessageCreate
		if err := json.Unmarshal(data, &m); err != nil {
			b.Fatal(err)
		}
	}
}
