// Package payload generates the gateway payloads of wirecord's benchmarks
// as Discord writes them: MESSAGE_CREATE, GUILD_CREATE, READY, HELLO,
// each from a seed and a sequence number alone.
package payload

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"unicode/utf8"
)

// The payloads are built as Discord sends them: its field order, its
// nulls, raw UTF-8 (Discord does not \u-escape non-ASCII), ids as strings.
// Each is generated from (seed, seq) alone, so a stream is the same bytes
// in every run and every client, and messages vary from one to the next
// the way a real channel's do, so compression is not flattered.

var words = []string{
	"the", "a", "deploy", "build", "green", "red", "staging", "prod", "lunch", "coffee", "meeting",
	"ok", "lol", "brb", "ship", "it", "who", "broke", "what", "when", "why", "how", "tomorrow",
	"today", "later", "maybe", "never", "always", "thanks", "please", "sorry", "great", "nice",
	"cool", "weird", "bug", "fix", "test", "merge", "review", "branch", "main", "release", "tag",
	"version", "docs", "readme", "issue", "ticket", "sprint", "standup", "raid", "tonight", "gg",
	// Non-ASCII, as real chat has it: accents, Cyrillic, CJK, emoji with
	// modifiers and joiners.
	"café", "naïve", "façade", "über", "привет", "спасибо", "日本語", "ありがとう", "你好",
	"🎉", "👍🏽", "😂", "🔥", "👨‍👩‍👧", "✅", "→", "½",
}

var names = []string{"mirela", "quillon", "tarn", "oskar", "yuki", "amara", "bex", "ramon", "zhen",
	"lior", "noor", "ines", "kofi", "maren", "ezra", "saoirse", "dmitri", "ayla", "jun", "pax"}

var domains = []string{"github.com", "youtu.be", "en.wikipedia.org", "store.steampowered.com",
	"twitter.com", "docs.google.com", "reddit.com", "imgur.com"}

// GuildBase is the id of the guild of every MESSAGE_CREATE, and the base
// of generated guild ids.
const GuildBase = 1166542210893082624

const (
	guildBase   = GuildBase
	channelBase = 1166542211455119370
	roleBase    = 1182004418843037706
	userBase    = 1100000000000000000
)

// gen builds one payload from its own random stream.
type gen struct {
	r *rand.Rand
	b []byte
}

func newGen(seed uint64, seq int) *gen {
	return &gen{r: rand.New(rand.NewPCG(seed, uint64(seq)*0x9e3779b97f4a7c15+1))}
}

func (g *gen) raw(s string)                { g.b = append(g.b, s...) }
func (g *gen) int(n int64)                 { g.b = strconv.AppendInt(g.b, n, 10) }
func (g *gen) id(n uint64)                 { g.b = append(strconv.AppendUint(append(g.b, '"'), n, 10), '"') }
func (g *gen) key(k string)                { g.b = append(append(append(g.b, '"'), k...), `":`...) }
func (g *gen) hash() string                { return fmt.Sprintf("%016x%016x", g.r.Uint64(), g.r.Uint64()) }
func (g *gen) pick(s []string) string      { return s[g.r.IntN(len(s))] }
func (g *gen) chance(percent int) bool     { return g.r.IntN(100) < percent }
func (g *gen) snowflake(base int64) uint64 { return uint64(base + g.r.Int64N(1<<50)) }

// str appends s as a JSON string, escaping only what JSON requires.
func (g *gen) str(s string) {
	g.b = append(g.b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			g.b = append(g.b, '\\', c)
		case c == '\n':
			g.b = append(g.b, '\\', 'n')
		case c < 0x20:
			g.b = fmt.Appendf(g.b, `\u%04x`, c)
		case c < utf8.RuneSelf:
			g.b = append(g.b, c)
		default:
			_, n := utf8.DecodeRuneInString(s[i:])
			g.b = append(g.b, s[i:i+n]...)
			i += n
			continue
		}
		i++
	}
	g.b = append(g.b, '"')
}

func (g *gen) timestamp(seq int) string {
	return fmt.Sprintf("2026-11-23T%02d:%02d:%02d.%06d+00:00", 10+seq/3600%12, seq/60%60, seq%60, g.r.IntN(1000000))
}

// text is message content: mostly short lines, some paragraphs, with
// mentions, links, quotes, newlines and non-ASCII.
func (g *gen) text(mentions []uint64) string {
	var n int
	switch p := g.r.IntN(100); {
	case p < 60:
		n = 1 + g.r.IntN(10)
	case p < 94:
		n = 10 + g.r.IntN(30)
	default:
		n = 40 + g.r.IntN(160)
	}
	var out []byte
	for i := range n {
		if i > 0 {
			if g.chance(3) {
				out = append(out, '\n')
			} else {
				out = append(out, ' ')
			}
		}
		switch p := g.r.IntN(100); {
		case p < 4 && len(mentions) > 0:
			out = fmt.Appendf(out, "<@%d>", mentions[g.r.IntN(len(mentions))])
		case p < 5:
			out = fmt.Appendf(out, "https://%s/%x", g.pick(domains), g.r.Uint32())
		case p < 6:
			out = append(out, `"quoted"`...)
		default:
			out = append(out, g.pick(words)...)
		}
	}
	return string(out)
}

func (g *gen) user(id uint64) {
	name := g.pick(names) + strconv.Itoa(g.r.IntN(1000))
	g.raw(`{"username":`)
	g.str(name)
	g.raw(`,"public_flags":`)
	g.int(int64([]int{0, 0, 0, 64, 128, 256, 4194304}[g.r.IntN(7)]))
	g.raw(`,"primary_guild":null,"id":`)
	g.id(id)
	g.raw(`,"global_name":`)
	if g.chance(80) {
		g.str(name + " " + g.pick(words))
	} else {
		g.raw("null")
	}
	g.raw(`,"display_name_styles":null,"discriminator":"0","collectibles":null,"clan":null,"avatar_decoration_data":null,"avatar":`)
	if g.chance(85) {
		g.str(g.hash())
	} else {
		g.raw("null")
	}
	g.raw("}")
}

func (g *gen) member(withUser uint64) {
	g.raw(`{"roles":[`)
	for i := range g.r.IntN(5) {
		if i > 0 {
			g.raw(",")
		}
		g.id(uint64(roleBase + 1 + g.r.IntN(30)))
	}
	g.raw(`],"premium_since":null,"pending":false,"nick":`)
	if g.chance(30) {
		g.str(g.pick(names) + " " + g.pick(words))
	} else {
		g.raw("null")
	}
	g.raw(`,"mute":false,"joined_at":`)
	g.str(fmt.Sprintf("20%02d-%02d-%02dT%02d:%02d:%02d.%06d+00:00", 18+g.r.IntN(8), 1+g.r.IntN(12), 1+g.r.IntN(28), g.r.IntN(24), g.r.IntN(60), g.r.IntN(60), g.r.IntN(1000000)))
	g.raw(`,"flags":0,"deaf":false,"communication_disabled_until":null,"banner":null,"avatar":null`)
	if withUser != 0 {
		g.raw(`,"user":`)
		g.user(withUser)
	}
	g.raw("}")
}

func (g *gen) embed() {
	dom := g.pick(domains)
	g.raw(`{"type":`)
	g.str([]string{"rich", "article", "link", "video", "image"}[g.r.IntN(5)])
	g.raw(`,"url":`)
	g.str(fmt.Sprintf("https://%s/%x/%x", dom, g.r.Uint32(), g.r.Uint32()))
	g.raw(`,"title":`)
	g.str(g.text(nil))
	g.raw(`,"description":`)
	g.str(g.text(nil))
	g.raw(`,"color":`)
	g.int(int64(g.r.IntN(1 << 24)))
	g.raw(`,"provider":{"name":`)
	g.str(dom)
	g.raw(`},"thumbnail":{"width":`)
	g.int(int64(64 + g.r.IntN(1200)))
	g.raw(`,"url":`)
	g.str(fmt.Sprintf("https://%s/img/%x.png", dom, g.r.Uint64()))
	g.raw(`,"proxy_url":`)
	g.str(fmt.Sprintf("https://images-ext-1.discordapp.net/external/%s/https/%s/img.png", g.hash(), dom))
	g.raw(`,"placeholder_version":1,"placeholder":"3PcJDQKHh3eIeHd/d3d3h3eHeHiIB3","height":`)
	g.int(int64(64 + g.r.IntN(900)))
	g.raw(`,"flags":0}`)
	if g.chance(30) {
		g.raw(`,"fields":[{"name":"status","value":`)
		g.str(g.pick(words))
		g.raw(`,"inline":true}]`)
	}
	g.raw("}")
}

func (g *gen) attachment() {
	name := fmt.Sprintf("%s_%d.png", g.pick(words), g.r.IntN(10000))
	id := g.snowflake(1300000000000000000)
	g.raw(`{"width":`)
	g.int(int64(200 + g.r.IntN(3000)))
	g.raw(`,"url":`)
	g.str(fmt.Sprintf("https://cdn.discordapp.com/attachments/%d/%d/%s?ex=%x&is=%x&hm=%s&", channelBase, id, name, g.r.Uint32(), g.r.Uint32(), g.hash()))
	g.raw(`,"size":`)
	g.int(int64(1000 + g.r.IntN(8000000)))
	g.raw(`,"proxy_url":`)
	g.str(fmt.Sprintf("https://media.discordapp.net/attachments/%d/%d/%s", channelBase, id, name))
	g.raw(`,"placeholder_version":1,"placeholder":"GwgKFwR4h4d3eHiAeIh4d4eId3iIeHcH","id":`)
	g.id(id)
	g.raw(`,"height":`)
	g.int(int64(200 + g.r.IntN(2000)))
	g.raw(`,"filename":`)
	g.str(name)
	g.raw(`,"content_type":"image/png","content_scan_version":3}`)
}

// message appends a message object; depth 0 is the event's own message,
// depth 1 a referenced one (no member, no further reference).
func (g *gen) message(seq int, depth int) {
	id := uint64(1200000000000000000 + int64(seq)*4194304 + g.r.Int64N(4194304))
	if depth > 0 {
		id -= uint64(g.r.Int64N(1 << 40))
	}
	channel := uint64(channelBase + g.r.IntN(12))
	author := uint64(userBase + g.r.Int64N(1<<58))
	var mentions []uint64
	for range []int{0, 0, 0, 0, 1, 1, 2}[g.r.IntN(7)] {
		mentions = append(mentions, uint64(userBase+g.r.Int64N(1<<58)))
	}
	reply := depth == 0 && g.chance(15)
	msgType := 0
	if reply {
		msgType = 19
	}
	g.raw(`{"type":`)
	g.int(int64(msgType))
	g.raw(`,"tts":false,"timestamp":`)
	g.str(g.timestamp(seq))
	g.raw(`,"pinned":false`)
	if depth == 0 {
		g.raw(`,"nonce":`)
		g.id(id - uint64(g.r.IntN(1000)))
	}
	g.raw(`,"mentions":[`)
	for i, m := range mentions {
		if i > 0 {
			g.raw(",")
		}
		g.user(m)
		if depth == 0 {
			// In a guild, each mention carries a partial member.
			g.b = g.b[:len(g.b)-1]
			g.raw(`,"member":`)
			g.member(0)
			g.raw("}")
		}
	}
	g.raw(`],"mention_roles":[`)
	if g.chance(10) {
		g.id(uint64(roleBase + 1 + g.r.IntN(30)))
	}
	g.raw(`],"mention_everyone":false`)
	if depth == 0 {
		g.raw(`,"member":`)
		g.member(0)
	}
	g.raw(`,"id":`)
	g.id(id)
	g.raw(`,"flags":0,"embeds":[`)
	if g.chance(12) {
		g.embed()
	}
	g.raw(`],"edited_timestamp":`)
	if g.chance(5) {
		g.str(g.timestamp(seq + 1))
	} else {
		g.raw("null")
	}
	g.raw(`,"content":`)
	g.str(g.text(mentions))
	g.raw(`,"components":[],"channel_type":0,"channel_id":`)
	g.id(channel)
	g.raw(`,"author":`)
	g.user(author)
	g.raw(`,"attachments":[`)
	if g.chance(8) {
		g.attachment()
	}
	g.raw("]")
	if reply {
		g.raw(`,"referenced_message":`)
		g.message(max(seq-1-g.r.IntN(50), 1), 1)
		g.raw(`,"message_reference":{"type":0,"message_id":`)
		g.id(id - uint64(g.r.Int64N(1<<40)))
		g.raw(`,"guild_id":`)
		g.id(guildBase)
		g.raw(`,"channel_id":`)
		g.id(channel)
		g.raw("}")
	}
	if depth == 0 {
		g.raw(`,"guild_id":`)
		g.id(guildBase)
	}
	g.raw("}")
}

// MessageCreate returns the gateway payload (op 0, with t and s) of the
// seq-th MESSAGE_CREATE of the stream seed: 0.3 to 6 KiB, 1.5 KiB on
// average, with members, mentions, embeds, attachments, replies carrying
// their referenced message, and non-ASCII text.
func MessageCreate(seed uint64, seq int) []byte {
	g := newGen(seed, seq)
	g.raw(`{"t":"MESSAGE_CREATE","s":`)
	g.int(int64(seq))
	g.raw(`,"op":0,"d":`)
	g.message(seq, 0)
	g.raw("}")
	return g.b
}

// GuildCreate returns the gateway payload of a GUILD_CREATE of about 30 KB
// for guild, sequence number seq: roles, emojis, channels, members with
// their users, presences.
func GuildCreate(seed uint64, seq int, guild uint64) []byte {
	g := newGen(seed, -seq)
	g.raw(`{"t":"GUILD_CREATE","s":`)
	g.int(int64(seq))
	g.raw(`,"op":0,"d":{"id":`)
	g.id(guild)
	g.raw(`,"name":`)
	g.str(g.pick(words) + " " + g.pick(words) + " club")
	g.raw(`,"icon":`)
	g.str(g.hash())
	g.raw(`,"description":null,"home_header":null,"splash":null,"discovery_splash":null,"banner":null,` +
		`"features":["COMMUNITY","NEWS","ANIMATED_ICON","INVITE_SPLASH","ROLE_ICONS","SOUNDBOARD","THREADS_ENABLED"],` +
		`"owner_id":`)
	g.id(uint64(userBase + g.r.Int64N(1<<58)))
	g.raw(`,"application_id":null,"region":"deprecated","afk_channel_id":null,"afk_timeout":300,` +
		`"system_channel_id":`)
	g.id(channelBase)
	g.raw(`,"system_channel_flags":0,"widget_enabled":false,"widget_channel_id":null,"verification_level":1,` +
		`"default_message_notifications":1,"explicit_content_filter":2,"mfa_level":0,"max_presences":null,` +
		`"max_members":500000,"max_video_channel_users":25,"max_stage_video_channel_users":50,"vanity_url_code":null,` +
		`"premium_tier":2,"premium_subscription_count":9,"preferred_locale":"en-US","rules_channel_id":null,` +
		`"public_updates_channel_id":null,"safety_alerts_channel_id":null,"nsfw":false,"nsfw_level":0,` +
		`"premium_progress_bar_enabled":false,"latest_onboarding_question_id":null,"incidents_data":null,` +
		`"inventory_settings":null,"hub_type":null,"stickers":[],"soundboard_sounds":[],"stage_instances":[],` +
		`"guild_scheduled_events":[],"embedded_activities":[],"activity_instances":[],"application_command_counts":{},` +
		`"voice_states":[],"threads":[],"lazy":true,"large":false,"unavailable":false,` +
		`"joined_at":"2025-01-02T03:04:05.678000+00:00","version":1733000000000,"member_count":`)
	g.int(int64(100 + g.r.IntN(5000)))
	g.raw(`,"roles":[`)
	for i := range 15 {
		if i > 0 {
			g.raw(",")
		}
		g.raw(`{"version":1733000000000,"unicode_emoji":null,"tags":{},"position":`)
		g.int(int64(i))
		g.raw(`,"permissions":"`)
		g.int(int64(g.r.Uint32()))
		g.raw(`","name":`)
		g.str(g.pick(words) + " " + g.pick(words))
		g.raw(`,"mentionable":false,"managed":false,"id":`)
		g.id(uint64(roleBase + i))
		g.raw(`,"icon":null,"hoist":false,"flags":0,"colors":{"tertiary_color":null,"secondary_color":null,"primary_color":`)
		g.int(int64(g.r.IntN(1 << 24)))
		g.raw(`},"color":0}`)
	}
	g.raw(`],"emojis":[`)
	for i := range 12 {
		if i > 0 {
			g.raw(",")
		}
		g.raw(`{"version":0,"roles":[],"require_colons":true,"name":`)
		g.str(g.pick(words) + strconv.Itoa(i))
		g.raw(`,"managed":false,"id":`)
		g.id(g.snowflake(1200000000000000000))
		g.raw(`,"available":true,"animated":false}`)
	}
	g.raw(`],"channels":[`)
	for i := range 22 {
		if i > 0 {
			g.raw(",")
		}
		g.raw(`{"version":1733000000000,"type":`)
		g.int(int64([]int{0, 0, 0, 2, 4, 5, 13, 15}[g.r.IntN(8)]))
		g.raw(`,"topic":`)
		if g.chance(50) {
			g.str(g.text(nil))
		} else {
			g.raw("null")
		}
		g.raw(`,"rate_limit_per_user":0,"position":`)
		g.int(int64(i))
		g.raw(`,"permission_overwrites":[{"type":0,"id":`)
		g.id(uint64(roleBase))
		g.raw(`,"deny":"1024","allow":"0"}],"parent_id":`)
		g.id(uint64(channelBase + 100))
		g.raw(`,"nsfw":false,"name":`)
		g.str(g.pick(words) + "-" + g.pick(words))
		g.raw(`,"last_message_id":`)
		g.id(g.snowflake(1200000000000000000))
		g.raw(`,"id":`)
		g.id(uint64(channelBase + i))
		g.raw(`,"flags":0}`)
	}
	g.raw(`],"members":[`)
	users := make([]uint64, 26)
	for i := range users {
		users[i] = uint64(userBase + g.r.Int64N(1<<58))
		if i > 0 {
			g.raw(",")
		}
		g.member(users[i])
	}
	g.raw(`],"presences":[`)
	for i := range 14 {
		if i > 0 {
			g.raw(",")
		}
		g.raw(`{"user":{"id":`)
		g.id(users[i])
		g.raw(`},"status":`)
		g.str([]string{"online", "idle", "dnd"}[g.r.IntN(3)])
		g.raw(`,"client_status":{"desktop":"online"},"broadcast":null,"activities":[`)
		if g.chance(40) {
			g.raw(`{"type":0,"timestamps":{"start":1733000000000},"name":`)
			g.str(g.pick(words) + " " + g.pick(words))
			g.raw(`,"id":"`)
			g.b = fmt.Appendf(g.b, "%x", g.r.Uint64())
			g.raw(`","created_at":1733000000000}`)
		}
		g.raw(`]}`)
	}
	g.raw(`]}}`)
	return g.b
}

// Hello is op 10 with a heartbeat interval of 10 minutes: long enough that
// no client heartbeats during a run, since a pre-built compressed stream
// has no room for the server's ACKs.
func Hello() []byte {
	return []byte(`{"t":null,"s":null,"op":10,"d":{"heartbeat_interval":600000,"_trace":["[\"gateway-prd-bench\"]"]}}`)
}

// Ready returns READY for shard [id, count] with guilds as unavailable
// guilds, seq 1.
func Ready(id, count int, guilds []uint64, resumeURL string) []byte {
	g := &gen{}
	g.raw(`{"t":"READY","s":1,"op":0,"d":{"v":10,"user_settings":{},"user":{"verified":true,"username":"wirecord-bench",` +
		`"mfa_enabled":false,"id":"1100000000000000001","global_name":null,"flags":0,"email":null,"discriminator":"0",` +
		`"clan":null,"bot":true,"avatar":null},"session_type":"normal","session_id":"8f1c2ad7e0a54c1b9a3e6f0d2b7c4e91",` +
		`"resume_gateway_url":`)
	g.str(resumeURL)
	g.raw(`,"relationships":[],"private_channels":[],"presences":[],"guilds":[`)
	for i, id := range guilds {
		if i > 0 {
			g.raw(",")
		}
		g.raw(`{"unavailable":true,"id":`)
		g.id(id)
		g.raw("}")
	}
	g.raw(`],"guild_join_requests":[],"geo_ordered_rtc_regions":["rotterdam","madrid","milan","frankfurt","stockholm"],` +
		`"game_relationships":[],"auth":{},"application":{"id":"1100000000000000001","flags":8953856},"shard":[`)
	g.int(int64(id))
	g.raw(",")
	g.int(int64(count))
	g.raw(`],"_trace":["[\"gateway-prd-bench\",{\"micros\":12345}]"]}}`)
	return g.b
}
