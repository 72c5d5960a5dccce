package discord

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// protocolDispatches is the dispatch list of PROTOCOL.md §12 (Discord's
// Receive Events table without HELLO, RECONNECT and INVALID_SESSION).
var protocolDispatches = []string{
	"READY", "RESUMED", "RATE_LIMITED",
	"APPLICATION_COMMAND_PERMISSIONS_UPDATE", "AUTO_MODERATION_RULE_CREATE", "AUTO_MODERATION_RULE_UPDATE",
	"AUTO_MODERATION_RULE_DELETE", "AUTO_MODERATION_ACTION_EXECUTION",
	"CHANNEL_CREATE", "CHANNEL_UPDATE", "CHANNEL_DELETE", "CHANNEL_INFO", "CHANNEL_PINS_UPDATE",
	"THREAD_CREATE", "THREAD_UPDATE", "THREAD_DELETE", "THREAD_LIST_SYNC", "THREAD_MEMBER_UPDATE", "THREAD_MEMBERS_UPDATE",
	"ENTITLEMENT_CREATE", "ENTITLEMENT_UPDATE", "ENTITLEMENT_DELETE",
	"GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE", "GUILD_AUDIT_LOG_ENTRY_CREATE", "GUILD_BAN_ADD", "GUILD_BAN_REMOVE",
	"GUILD_EMOJIS_UPDATE", "GUILD_STICKERS_UPDATE", "GUILD_INTEGRATIONS_UPDATE",
	"GUILD_MEMBER_ADD", "GUILD_MEMBER_REMOVE", "GUILD_MEMBER_UPDATE", "GUILD_MEMBERS_CHUNK",
	"GUILD_ROLE_CREATE", "GUILD_ROLE_UPDATE", "GUILD_ROLE_DELETE",
	"GUILD_SCHEDULED_EVENT_CREATE", "GUILD_SCHEDULED_EVENT_UPDATE", "GUILD_SCHEDULED_EVENT_DELETE",
	"GUILD_SCHEDULED_EVENT_USER_ADD", "GUILD_SCHEDULED_EVENT_USER_REMOVE",
	"GUILD_SOUNDBOARD_SOUND_CREATE", "GUILD_SOUNDBOARD_SOUND_UPDATE", "GUILD_SOUNDBOARD_SOUND_DELETE",
	"GUILD_SOUNDBOARD_SOUNDS_UPDATE", "SOUNDBOARD_SOUNDS",
	"INTEGRATION_CREATE", "INTEGRATION_UPDATE", "INTEGRATION_DELETE", "INTERACTION_CREATE", "INVITE_CREATE", "INVITE_DELETE",
	"MESSAGE_CREATE", "MESSAGE_UPDATE", "MESSAGE_DELETE", "MESSAGE_DELETE_BULK", "MESSAGE_REACTION_ADD",
	"MESSAGE_REACTION_REMOVE", "MESSAGE_REACTION_REMOVE_ALL", "MESSAGE_REACTION_REMOVE_EMOJI",
	"MESSAGE_POLL_VOTE_ADD", "MESSAGE_POLL_VOTE_REMOVE",
	"PRESENCE_UPDATE", "STAGE_INSTANCE_CREATE", "STAGE_INSTANCE_UPDATE", "STAGE_INSTANCE_DELETE",
	"SUBSCRIPTION_CREATE", "SUBSCRIPTION_UPDATE", "SUBSCRIPTION_DELETE",
	"TYPING_START", "USER_UPDATE", "VOICE_CHANNEL_EFFECT_SEND", "VOICE_CHANNEL_START_TIME_UPDATE",
	"VOICE_CHANNEL_STATUS_UPDATE", "VOICE_STATE_UPDATE", "VOICE_SERVER_UPDATE", "WEBHOOKS_UPDATE",
}

func TestEveryProtocolDispatchIsRegistered(t *testing.T) {
	if len(protocolDispatches) != 79 {
		t.Fatalf("the §12 list has %d names; Discord's table has 82 rows, 3 of them not dispatches", len(protocolDispatches))
	}
	for _, name := range protocolDispatches {
		ev, ok := NewEvent(name)
		if !ok {
			t.Errorf("%s is not registered", name)
			continue
		}
		if ev.EventName() != name {
			t.Errorf("NewEvent(%s) is a %T named %s", name, ev, ev.EventName())
		}
		if reflect.TypeOf(ev).Kind() != reflect.Pointer {
			t.Errorf("NewEvent(%s) is a %T, not a pointer", name, ev)
		}
	}
}

func TestEventNamesAreSortedAndExactlyTheProtocolList(t *testing.T) {
	names := EventNames()
	if !slices.IsSorted(names) {
		t.Error("EventNames is not sorted")
	}
	want := slices.Sorted(slices.Values(protocolDispatches))
	if !slices.Equal(names, want) {
		t.Errorf("EventNames = %v\nwant %v", names, want)
	}
	names[0] = "CHANGED"
	if EventNames()[0] == "CHANGED" {
		t.Error("EventNames shares its slice with callers")
	}
}

func TestNewEventOfAnUnknownNameIsFalse(t *testing.T) {
	for _, name := range []string{"", "HELLO", "RECONNECT", "INVALID_SESSION", "ready", "BRAND_NEW_EVENT", "MESSAGE_CREATE "} {
		if ev, ok := NewEvent(name); ok || ev != nil {
			t.Errorf("NewEvent(%q) = %T, %t", name, ev, ok)
		}
	}
}

// TestEveryEventRoundTripsThroughJSON: each registered type encodes and
// decodes, a fresh value each time, and values as well as pointers are
// Events.
func TestEveryEventRoundTripsThroughJSON(t *testing.T) {
	for _, name := range EventNames() {
		t.Run(name, func(t *testing.T) {
			ev, _ := NewEvent(name)
			again, _ := NewEvent(name)
			// Zero-size types (Resumed) may share one address; that is fine.
			if ev == again && reflect.TypeOf(ev).Elem().Size() > 0 {
				t.Error("NewEvent returned the same pointer twice")
			}
			b, err := json.Marshal(ev)
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b, again); err != nil {
				t.Fatalf("%v in %s", err, b)
			}
			b2, err := json.Marshal(again)
			if err != nil || !bytes.Equal(b, b2) {
				t.Errorf("re-encoded as %s (%v), first %s", b2, err, b)
			}
			val, ok := reflect.ValueOf(ev).Elem().Interface().(Event)
			if !ok || val.EventName() != name {
				t.Errorf("the value %T is not an Event named %s", val, name)
			}
		})
	}
}

// dispatchCases are d payloads built from the field tables of
// developers/events/gateway-events.mdx.
var dispatchCases = []struct {
	name  string
	d     string
	check func(t *testing.T, ev Event)
}{
	{EventReady, `{"v":10,"user":{"id":"1175432209876543210","username":"bot","discriminator":"0","global_name":null,"avatar":null,"bot":true},
		"guilds":[{"id":"1182004418843037706","unavailable":true}],"session_id":"abc","resume_gateway_url":"wss://resume-7.gateway.example.test",
		"shard":[1,4],"application":{"id":"1190000000000000101","flags":8192},"private_channels":[]}`, func(t *testing.T, ev Event) {
		r := ev.(*Ready)
		if r.V != 10 || !r.User.Bot || len(r.Guilds) != 1 || !r.Guilds[0].Unavailable || r.SessionID != "abc" || r.ResumeGatewayURL != "wss://resume-7.gateway.example.test" {
			t.Errorf("%+v", r)
		}
		if r.Shard == nil || *r.Shard != [2]int{1, 4} || r.Application.ID != 1190000000000000101 || r.Application.Flags != ApplicationFlagGatewayPresenceLimited {
			t.Errorf("shard/application: %+v", r)
		}
	}},
	{EventResumed, `{}`, func(t *testing.T, ev Event) {}},
	{EventRateLimited, `{"opcode":8,"retry_after":27.5,"meta":{"guild_id":"1182004418843037706","nonce":"n-1"}}`, func(t *testing.T, ev Event) {
		r := ev.(*RateLimited)
		m, err := r.GuildMembersMeta()
		if err != nil || m.GuildID != 1182004418843037706 || m.Nonce != "n-1" || r.GuildID() != 1182004418843037706 || r.Nonce() != "n-1" {
			t.Errorf("%+v %+v %v", r, m, err)
		}
		if r.RetryAfterDuration().Milliseconds() != 27500 {
			t.Errorf("retry after %v", r.RetryAfterDuration())
		}
	}},
	{EventGuildCreate, `{"id":"1182004418843037706","name":"g","owner_id":"1","roles":[],"emojis":[],"features":[],
		"joined_at":"2021-01-01T00:00:00.000000+00:00","large":true,"member_count":2,
		"voice_states":[{"channel_id":"2","user_id":"3","session_id":"s","deaf":false,"mute":false,"self_deaf":false,"self_mute":false,"self_video":false,"suppress":false,"request_to_speak_timestamp":null}],
		"members":[{"user":{"id":"3","username":"u","discriminator":"0","global_name":null,"avatar":null},"roles":[],"joined_at":"2021-01-01T00:00:00+00:00","deaf":false,"mute":false,"flags":0}],
		"channels":[{"id":"2","type":2,"name":"voice"}],"threads":[],"presences":[{"user":{"id":"3"},"status":"online","activities":[],"client_status":{"desktop":"online"}}],
		"stage_instances":[],"guild_scheduled_events":[],"soundboard_sounds":[{"name":"bellows","sound_id":"3","volume":0.6,"emoji_id":null,"emoji_name":"🪗","available":true}]}`, func(t *testing.T, ev Event) {
		g := ev.(*GuildCreate)
		if g.ID != 1182004418843037706 || g.Name != "g" || !g.Large || g.Unavailable || g.MemberCount != 2 || g.JoinedAt.Year() != 2021 {
			t.Errorf("%+v", g)
		}
		if len(g.VoiceStates) != 1 || len(g.Members) != 1 || g.Members[0].User.ID != 3 || len(g.Channels) != 1 || g.Channels[0].Type != ChannelTypeGuildVoice {
			t.Errorf("lists: %+v", g)
		}
		if len(g.Presences) != 1 || g.Presences[0].ClientStatus.Desktop != StatusOnline || len(g.SoundboardSounds) != 1 || g.SoundboardSounds[0].SoundID != 3 || g.SoundboardSounds[0].Name != "bellows" {
			t.Errorf("presences/sounds: %+v", g)
		}
	}},
	{EventGuildCreate, `{"id":"1182004418843037706","unavailable":true}`, func(t *testing.T, ev Event) {
		if g := ev.(*GuildCreate); !g.Unavailable || g.ID != 1182004418843037706 {
			t.Errorf("unavailable guild: %+v", g)
		}
	}},
	{EventGuildDelete, `{"id":"1182004418843037706"}`, func(t *testing.T, ev Event) {
		if g := ev.(*GuildDelete); g.Unavailable || g.ID != 1182004418843037706 {
			t.Errorf("removed from guild: %+v", g)
		}
	}},
	{EventGuildMembersChunk, `{"guild_id":"1182004418843037706","members":[],"chunk_index":1,"chunk_count":2,"not_found":[123123],"nonce":"n"}`, func(t *testing.T, ev Event) {
		c := ev.(*GuildMembersChunk)
		if c.ChunkIndex != 1 || c.ChunkCount != 2 || !c.Last() || !slices.Equal(c.NotFound, []UserID{123123}) || c.Nonce != "n" {
			t.Errorf("%+v", c)
		}
	}},
	{EventGuildMemberUpdate, `{"guild_id":"1","roles":["2"],"user":{"id":"3","username":"u","discriminator":"0","global_name":null,"avatar":null},
		"nick":null,"avatar":null,"banner":null,"joined_at":null,"communication_disabled_until":"2030-01-01T00:00:00+00:00"}`, func(t *testing.T, ev Event) {
		m := ev.(*GuildMemberUpdate)
		if m.GuildID != 1 || m.User == nil || m.User.ID != 3 || !m.JoinedAt.IsZero() || !m.TimedOut(mustTime(t, "2029-01-01T00:00:00Z")) {
			t.Errorf("%+v", m)
		}
	}},
	{EventGuildRoleDelete, `{"guild_id":"1","role_id":"2"}`, func(t *testing.T, ev Event) {
		if r := ev.(*GuildRoleDelete); r.GuildID != 1 || r.RoleID != 2 {
			t.Errorf("%+v", r)
		}
	}},
	{EventMessageReactionAdd, `{"user_id":"1","channel_id":"2","message_id":"3","guild_id":"4","emoji":{"id":null,"name":"🔥"},
		"message_author_id":"5","burst":true,"burst_colors":["#ff0000"],"type":1,
		"member":{"roles":[],"joined_at":"2021-01-01T00:00:00+00:00","deaf":false,"mute":false,"flags":0}}`, func(t *testing.T, ev Event) {
		r := ev.(*MessageReactionAdd)
		if r.UserID != 1 || r.MessageID != 3 || r.Emoji.Name != "🔥" || !r.Burst || r.Type != ReactionBurst || r.MessageAuthorID != 5 || r.Member == nil {
			t.Errorf("%+v", r)
		}
	}},
	{EventMessageDeleteBulk, `{"ids":["1","2"],"channel_id":"3"}`, func(t *testing.T, ev Event) {
		if d := ev.(*MessageDeleteBulk); len(d.IDs) != 2 || d.ChannelID != 3 || d.GuildID != 0 {
			t.Errorf("%+v", d)
		}
	}},
	{EventThreadCreate, `{"id":"1","type":11,"guild_id":"2","parent_id":"3","name":"t","newly_created":true,
		"thread_metadata":{"archived":false,"auto_archive_duration":60,"archive_timestamp":"2023-09-18T07:42:13.518204+00:00","locked":false}}`, func(t *testing.T, ev Event) {
		c := ev.(*ThreadCreate)
		if !c.NewlyCreated || !c.IsThread() || c.ParentID != 3 || c.ThreadMetadata == nil || !c.ThreadMetadata.ArchiveTimestamp.Equal(mustTime(t, "2023-09-18T07:42:13.518204Z")) {
			t.Errorf("%+v", c)
		}
	}},
	{EventThreadMembersUpdate, `{"id":"1","guild_id":"2","member_count":3,"added_members":[{"id":"1","user_id":"4","join_timestamp":"2021-01-01T00:00:00+00:00","flags":0,
		"member":{"roles":[],"joined_at":"2021-01-01T00:00:00+00:00","deaf":false,"mute":false,"flags":0},"presence":null}],"removed_member_ids":["5"]}`, func(t *testing.T, ev Event) {
		u := ev.(*ThreadMembersUpdate)
		if len(u.AddedMembers) != 1 || u.AddedMembers[0].UserID != 4 || u.AddedMembers[0].Member == nil || u.AddedMembers[0].Presence != nil || u.RemovedMemberIDs[0] != 5 {
			t.Errorf("%+v", u)
		}
	}},
	{EventPresenceUpdate, `{"user":{"id":"1175432209876543210"},"guild_id":"1","status":"dnd","activities":[{"name":"Custom Status","type":4,"state":"busy","created_at":1600000000000,"emoji":{"name":"🔥"}}],"client_status":{"mobile":"dnd"}}`, func(t *testing.T, ev Event) {
		p := ev.(*PresenceUpdate)
		if p.User.ID != 1175432209876543210 || p.Status != StatusDND || len(p.Activities) != 1 || p.Activities[0].Type != ActivityCustom || p.Activities[0].Emoji == nil || p.ClientStatus.Mobile != StatusDND {
			t.Errorf("%+v", p)
		}
	}},
	{EventVoiceChannelEffectSend, `{"channel_id":"1","guild_id":"2","user_id":"3","emoji":null,"animation_type":null,"sound_id":5,"sound_volume":0.5}`, func(t *testing.T, ev Event) {
		e := ev.(*VoiceChannelEffectSend)
		if e.SoundID != 5 || e.SoundVolume != 0.5 || e.Emoji != nil || e.AnimationType != nil {
			t.Errorf("%+v", e)
		}
	}},
	{EventVoiceServerUpdate, `{"token":"a6b1c9d2e7f34088","guild_id":"1182004418843037706","endpoint":null}`, func(t *testing.T, ev Event) {
		if v := ev.(*VoiceServerUpdate); v.Endpoint != nil || v.Token != "a6b1c9d2e7f34088" {
			t.Errorf("%+v", v)
		}
	}},
	{EventSoundboardSounds, `{"soundboard_sounds":[{"name":"kiln door","sound_id":"1186600000000000321","volume":1,"emoji_id":"1183300000000000777","emoji_name":null,"guild_id":"1182004418843037999","available":true}],"guild_id":"1182004418843037999"}`, func(t *testing.T, ev Event) {
		s := ev.(*SoundboardSounds)
		if s.GuildID != 1182004418843037999 || len(s.SoundboardSounds) != 1 || s.SoundboardSounds[0].EmojiID != 1183300000000000777 {
			t.Errorf("%+v", s)
		}
	}},
	{EventChannelInfo, `{"guild_id":"1","channels":[{"id":"2","status":"live","voice_start_time":1700000000},{"id":"3","status":null}]}`, func(t *testing.T, ev Event) {
		c := ev.(*ChannelInfo)
		if len(c.Channels) != 2 || *c.Channels[0].Status != "live" || *c.Channels[0].VoiceStartTime != 1700000000 || c.Channels[1].Status != nil {
			t.Errorf("%+v", c)
		}
	}},
	{EventAutoModerationActionExecution, `{"guild_id":"1","action":{"type":1,"metadata":{"custom_message":"no"}},"rule_id":"2","rule_trigger_type":1,
		"user_id":"3","channel_id":"4","content":"bad word","matched_keyword":"bad*","matched_content":"bad"}`, func(t *testing.T, ev Event) {
		a := ev.(*AutoModerationActionExecution)
		if a.RuleID != 2 || a.Action.Type != AutoModerationActionBlockMessage || a.MessageID != 0 || *a.MatchedKeyword != "bad*" {
			t.Errorf("%+v", a)
		}
	}},
	{EventInviteCreate, `{"channel_id":"1","code":"abc","created_at":"2021-01-01T00:00:00+00:00","max_age":86400,"max_uses":0,"temporary":false,"uses":0,"expires_at":null,"role_ids":["7"]}`, func(t *testing.T, ev Event) {
		i := ev.(*InviteCreate)
		if i.Code != "abc" || i.MaxAge != 86400 || i.ExpiresAt != nil || i.RoleIDs[0] != 7 {
			t.Errorf("%+v", i)
		}
	}},
	{EventTypingStart, `{"channel_id":"1","user_id":"2","timestamp":1700000000}`, func(t *testing.T, ev Event) {
		if ts := ev.(*TypingStart); ts.Time().Unix() != 1700000000 || ts.GuildID != 0 {
			t.Errorf("%+v", ts)
		}
	}},
	{EventMessagePollVoteAdd, `{"user_id":"1","channel_id":"2","message_id":"3","guild_id":"4","answer_id":2}`, func(t *testing.T, ev Event) {
		if v := ev.(*MessagePollVoteAdd); v.AnswerID != 2 || v.MessageID != 3 {
			t.Errorf("%+v", v)
		}
	}},
	{EventApplicationCommandPermissionsUpdate, `{"id":"1","application_id":"2","guild_id":"3","permissions":[{"id":"3","type":1,"permission":false}]}`, func(t *testing.T, ev Event) {
		p := ev.(*ApplicationCommandPermissionsUpdate)
		if p.GuildID != 3 || len(p.Permissions) != 1 || p.Permissions[0].Type != CommandPermissionRole || p.Permissions[0].Permission {
			t.Errorf("%+v", p)
		}
	}},
	{EventGuildAuditLogEntryCreate, `{"guild_id":"1","id":"2","user_id":"3","target_id":"4","action_type":22,"changes":[{"key":"nick","old_value":"a","new_value":"b"}],"reason":"spam"}`, func(t *testing.T, ev Event) {
		a := ev.(*GuildAuditLogEntryCreate)
		if a.GuildID != 1 || a.ActionType != AuditLogMemberBanAdd || *a.TargetID != "4" || string(a.Changes[0].NewValue) != `"b"` {
			t.Errorf("%+v", a)
		}
	}},
	{EventIntegrationDelete, `{"id":"1","guild_id":"2","application_id":"3"}`, func(t *testing.T, ev Event) {
		if d := ev.(*IntegrationDelete); d.ID != 1 || d.ApplicationID != 3 {
			t.Errorf("%+v", d)
		}
	}},
	{EventEntitlementCreate, `{"id":"1","sku_id":"2","application_id":"3","user_id":"4","type":8,"deleted":false,"starts_at":null,"ends_at":null}`, func(t *testing.T, ev Event) {
		if e := ev.(*EntitlementCreate); e.SKUID != 2 || e.Type != EntitlementApplicationSubscription || !e.Active(mustTime(t, "2030-01-01T00:00:00Z")) {
			t.Errorf("%+v", e)
		}
	}},
	{EventInteractionCreate, `{"id":"1","application_id":"2","type":3,"token":"tok","version":1,"channel_id":"4",
		"user":{"id":"5","username":"u","discriminator":"0","global_name":null,"avatar":null},
		"data":{"custom_id":"reserve_bench","component_type":2},"app_permissions":"0","entitlements":[],"authorizing_integration_owners":{"1":"5"},"context":1}`, func(t *testing.T, ev Event) {
		it := ev.(*InteractionCreate)
		d, err := it.ComponentData()
		if err != nil || d.CustomID != "reserve_bench" || d.ComponentType != ComponentButton {
			t.Fatalf("%+v, %v", d, err)
		}
		if it.Invoker().ID != 5 || it.AuthorizingIntegrationOwners[ApplicationIntegrationUserInstall] != 5 || *it.Context != InteractionContextBotDM {
			t.Errorf("%+v", it)
		}
	}},
}

func TestDispatchPayloadsDecode(t *testing.T) {
	for _, tc := range dispatchCases {
		t.Run(tc.name, func(t *testing.T) {
			ev, ok := NewEvent(tc.name)
			if !ok {
				t.Fatal("not registered")
			}
			if err := json.Unmarshal([]byte(tc.d), ev); err != nil {
				t.Fatal(err)
			}
			tc.check(t, ev)
		})
	}
}

// TestMessageCreateEmbedsTheMessage: handlers read msg.Content,
// msg.Author.ID and msg.GuildID off one value.
func TestMessageCreateEmbedsTheMessage(t *testing.T) {
	ev, _ := NewEvent(EventMessageCreate)
	in := `{"id":"1","channel_id":"2","guild_id":"3","author":{"id":"4","username":"u","discriminator":"0","global_name":"U","avatar":null},
		"member":{"roles":["5"],"joined_at":"2021-01-01T00:00:00+00:00","deaf":false,"mute":false,"flags":0},
		"content":"ping","timestamp":"2021-01-01T00:00:00+00:00","edited_timestamp":null,"tts":false,"mention_everyone":false,
		"mentions":[],"mention_roles":[],"attachments":[],"embeds":[],"pinned":false,"type":0}`
	if err := json.Unmarshal([]byte(in), ev); err != nil {
		t.Fatal(err)
	}
	m := ev.(*MessageCreate)
	if m.ID != 1 || m.ChannelID != 2 || m.GuildID != 3 || m.Author.ID != 4 || m.Author.DisplayName() != "U" || m.Content != "ping" || m.Member == nil || m.Member.Roles[0] != 5 {
		t.Errorf("%+v", m)
	}
	if m.URL(m.GuildID) != "https://discord.com/channels/3/2/1" {
		t.Errorf("url %s", m.URL(m.GuildID))
	}
	b, _ := json.Marshal(m)
	if strings.Contains(string(b), `"Message"`) || !strings.Contains(string(b), `"guild_id":"3"`) {
		t.Errorf("MessageCreate does not flatten into one object: %s", b)
	}
}
