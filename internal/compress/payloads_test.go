package compress

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Realistic gateway payloads for tests and benchmarks: JSON dispatches shaped
// like Discord's, varied enough that a compressor cannot just repeat them.

var words = strings.Fields(`the a to of and in is it you that for on was with he
	as are be this have from or one had by word but not what all were we when your
	can said there use an each which she do how their if will up other about out many
	then them these so some her would make like him into time has look two more write
	go see number no way could people my than first water been call who oil its now
	find long down day did get come made may part deploy server shard gateway ping`)

// messageCreate returns a MESSAGE_CREATE dispatch of about 1 KiB, the i-th of a
// conversation drawn from r.
func messageCreate(r *rand.Rand, seq int) []byte {
	var content strings.Builder
	for n := 5 + r.IntN(30); n > 0; n-- {
		if content.Len() > 0 {
			content.WriteByte(' ')
		}
		content.WriteString(words[r.IntN(len(words))])
	}
	guild := 130000000000000000 + r.Uint64N(4)
	channel := 381871767846780928 + r.Uint64N(16)
	author := 53908232506183680 + r.Uint64N(64)
	id := 1100000000000000000 + uint64(seq)*4194304 + r.Uint64N(4194304)
	return fmt.Appendf(nil, `{"t":"MESSAGE_CREATE","s":%d,"op":0,"d":{"type":0,"tts":false,"timestamp":"2025-06-%02dT%02d:%02d:%02d.%03d000+00:00","referenced_message":null,"pinned":false,"nonce":"%d","mentions":[],"mention_roles":[],"mention_everyone":false,"member":{"roles":["%d","%d"],"premium_since":null,"pending":false,"nick":null,"mute":false,"joined_at":"2021-03-%02dT10:%02d:00.000000+00:00","flags":0,"deaf":false,"communication_disabled_until":null,"banner":null,"avatar":null},"id":"%d","flags":0,"embeds":[],"edited_timestamp":null,"content":%q,"components":[],"channel_type":0,"channel_id":"%d","author":{"username":"user%d","public_flags":0,"id":"%d","global_name":"User %d","discriminator":"0","clan":null,"avatar_decoration_data":null,"avatar":"%032x"},"attachments":[],"guild_id":"%d"}}`,
		seq, 1+r.IntN(28), r.IntN(24), r.IntN(60), r.IntN(60), r.IntN(1000),
		id-r.Uint64N(1000), guild+1000+r.Uint64N(9), guild+2000+r.Uint64N(9),
		1+r.IntN(28), r.IntN(60), id, content.String(), channel,
		author%1000, author, author%1000, r.Uint64(), guild)
}

// guildCreate returns a GUILD_CREATE dispatch with the given number of
// members and channels.
func guildCreate(r *rand.Rand, seq, members int) []byte {
	guild := 130000000000000000 + r.Uint64N(1<<20)
	var b strings.Builder
	fmt.Fprintf(&b, `{"t":"GUILD_CREATE","s":%d,"op":0,"d":{"id":"%d","name":"guild %d","icon":null,"owner_id":"%d","large":false,"member_count":%d,"channels":[`,
		seq, guild, seq, guild+7, members)
	for i := range 20 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"%d","type":%d,"name":"%s-%s","position":%d,"parent_id":null,"permission_overwrites":[],"nsfw":false,"rate_limit_per_user":0}`,
			guild+uint64(100+i), r.IntN(3)*2, words[r.IntN(len(words))], words[r.IntN(len(words))], i)
	}
	b.WriteString(`],"members":[`)
	for i := range members {
		if i > 0 {
			b.WriteByte(',')
		}
		user := 53908232506183680 + r.Uint64N(1<<30)
		fmt.Fprintf(&b, `{"user":{"id":"%d","username":"%s%d","global_name":null,"avatar":"%032x","discriminator":"0","public_flags":0},"roles":["%d"],"joined_at":"2020-%02d-%02dT00:00:00.000000+00:00","deaf":false,"mute":false,"flags":0}`,
			user, words[r.IntN(len(words))], r.IntN(10000), r.Uint64(), guild+uint64(r.IntN(5)), 1+r.IntN(12), 1+r.IntN(28))
	}
	b.WriteString(`],"roles":[],"emojis":[],"features":["COMMUNITY","NEWS"]}}`)
	return []byte(b.String())
}

// ready returns a READY dispatch of at least size bytes.
func ready(r *rand.Rand, size int) []byte {
	var b strings.Builder
	b.WriteString(`{"t":"READY","s":1,"op":0,"d":{"v":10,"user":{"id":"1","username":"bot","bot":true},"session_id":"0123456789abcdef0123456789abcdef","resume_gateway_url":"wss://gateway-us-east1-b.discord.gg","guilds":[`)
	for i := 0; b.Len() < size; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"%d","unavailable":true,"name":"%s %s %d"}`,
			130000000000000000+r.Uint64N(1<<40), words[r.IntN(len(words))], words[r.IntN(len(words))], r.IntN(100000))
	}
	b.WriteString(`],"application":{"id":"1","flags":0}}}`)
	return []byte(b.String())
}

// conversation returns n payloads: a READY of readySize bytes, a few
// GUILD_CREATEs, then MESSAGE_CREATEs.
func conversation(seed uint64, n, readySize int) [][]byte {
	r := rand.New(rand.NewPCG(seed, 1))
	out := [][]byte{ready(r, readySize)}
	for i := 0; len(out) < n; i++ {
		if i < 3 {
			out = append(out, guildCreate(r, len(out)+1, 10+r.IntN(200)))
			continue
		}
		out = append(out, messageCreate(r, len(out)+1))
	}
	return out[:n]
}
