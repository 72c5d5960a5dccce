package rest_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/rest"
)

// seen is one request as the fake API received it.
type seen struct {
	method, path string
	query        url.Values
	header       http.Header
	body         []byte
}

// fakeAPI answers every request with status and answer, and records what
// it received. The answers are written by hand from the example objects
// of Discord's docs, with invented snowflakes.
func fakeAPI(t *testing.T, status int, answer string) (*rest.Client, func() []seen) {
	t.Helper()
	var mu sync.Mutex
	var got []seen
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, seen{r.Method, r.URL.EscapedPath(), r.URL.Query(), r.Header.Clone(), b})
		mu.Unlock()
		if answer != "" {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(status)
		io.WriteString(w, answer)
	}))
	t.Cleanup(srv.Close)
	return rest.New("bot-token", rest.WithBaseURL(srv.URL+"/api/v10")), func() []seen {
		mu.Lock()
		defer mu.Unlock()
		return append([]seen(nil), got...)
	}
}

// jsonEqual compares two JSON documents by value.
func jsonEqual(t *testing.T, got []byte, want string) bool {
	t.Helper()
	if want == "" {
		return len(got) == 0
	}
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Errorf("body %q is not JSON: %v", got, err)
		return false
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("want %q is not JSON: %v", want, err)
	}
	return reflect.DeepEqual(g, w)
}

const (
	userJSON    = `{"id":"80351110224678912","username":"nelly","discriminator":"0","global_name":"Nelly","avatar":"8342729096ea3675442027381ff50dfe","public_flags":64,"flags":64,"primary_guild":null}`
	messageJSON = `{"id":"1150000000000000001","channel_id":"1140000000000000001","author":` + userJSON + `,
		"content":"Supa Hot","timestamp":"2026-11-30T18:04:11.132000+00:00","edited_timestamp":null,"tts":false,
		"mention_everyone":false,"mentions":[],"mention_roles":[],"attachments":[],
		"embeds":[{"title":"Release","type":"rich","description":"v1.2","color":5814783,"fields":[{"name":"Changes","value":"many","inline":true}]}],
		"pinned":false,"type":0,"flags":0,"components":[],"nonce":"42"}`
	channelJSON = `{"id":"1140000000000000001","type":0,"guild_id":"1130000000000000001","position":6,
		"permission_overwrites":[{"id":"1130000000000000001","type":0,"allow":"0","deny":"2048"}],
		"name":"general","topic":"24/7 chat about how to gank Mike #2","nsfw":true,"last_message_id":"1150000000000000001",
		"rate_limit_per_user":2,"parent_id":"1140000000000000009","default_auto_archive_duration":60}`
	threadJSON = `{"id":"1140000000000000050","guild_id":"1130000000000000001","parent_id":"1140000000000000001",
		"owner_id":"80351110224678912","name":"don't buy dota-2","type":11,"last_message_id":null,"message_count":1,
		"member_count":5,"rate_limit_per_user":2,"thread_metadata":{"archived":false,"auto_archive_duration":1440,
		"archive_timestamp":"2026-11-29T02:26:00.000000+00:00","locked":false},"total_message_sent":1}`
	guildJSON = `{"id":"1130000000000000001","name":"Wirecord Test","icon":null,"splash":null,"discovery_splash":null,
		"owner_id":"80351110224678912","afk_channel_id":null,"afk_timeout":300,"verification_level":1,
		"default_message_notifications":1,"explicit_content_filter":2,"roles":[],"emojis":[],
		"features":["ANIMATED_ICON","COMMUNITY","SOME_FEATURE_DISCORD_ADDS_NEXT_WEEK"],"mfa_level":1,"application_id":null,
		"system_channel_id":"1140000000000000001","system_channel_flags":0,"rules_channel_id":null,"vanity_url_code":null,
		"description":null,"banner":null,"premium_tier":2,"preferred_locale":"en-US","public_updates_channel_id":null,
		"nsfw_level":0,"premium_progress_bar_enabled":false,"safety_alerts_channel_id":null,
		"approximate_member_count":4201,"approximate_presence_count":1337,"nsfw":false}`
	memberJSON = `{"user":` + userJSON + `,"nick":"NOT API SUPPORT","roles":["1160000000000000001"],
		"joined_at":"2025-05-04T20:38:31.210000+00:00","deaf":false,"mute":false,"flags":0}`
	roleJSON = `{"id":"1160000000000000001","name":"WE DEM BOYZZ!!!!!!","color":3447003,"colors":{"primary_color":3447003,
		"secondary_color":null,"tertiary_color":null},"hoist":true,"icon":"cf3ced8600b777c9486c6e8c6c6f2a33",
		"unicode_emoji":null,"position":1,"permissions":"66321471","managed":false,"mentionable":false,"flags":0}`
	commandJSON = `{"id":"1170000000000000001","application_id":"1120000000000000001","version":"1170000000000000002",
		"default_member_permissions":null,"type":1,"name":"blep","description":"Send a random adorable animal photo",
		"guild_id":"1130000000000000001","options":[{"type":3,"name":"animal","description":"The type of animal",
		"required":true,"choices":[{"name":"Dog","value":"animal_dog"},{"name":"Cat","value":"animal_cat"}]},
		{"type":5,"name":"only_smol","description":"Whether to show only baby animals","required":false}],"nsfw":false,
		"integration_types":[0],"contexts":[0,1,2]}`
	webhookJSON = `{"id":"1180000000000000001","type":1,"guild_id":"1130000000000000001","channel_id":"1140000000000000001",
		"user":` + userJSON + `,"name":"test webhook","avatar":null,"token":"3d89bb7572e0fb30d8128367b3b1b44fecd1726de135cbe28a41f8b2f777c372ba2939e72279b94526ff5d1bd4358d65cf11",
		"application_id":null}`
	emojiJSON = `{"id":"1190000000000000001","name":"LUL","roles":["1160000000000000001"],"user":` + userJSON + `,
		"require_colons":true,"managed":false,"animated":false,"available":true}`
)

// TestGeneratedMethodsRoundTrip is the rule book of the generated
// methods: each sends its operation's method, path, query and body, and
// decodes Discord's answer into typed values.
func TestGeneratedMethodsRoundTrip(t *testing.T) {
	const (
		ch  = discord.ChannelID(1140000000000000001)
		msg = discord.MessageID(1150000000000000001)
		gd  = discord.GuildID(1130000000000000001)
		app = discord.ApplicationID(1120000000000000001)
		usr = discord.UserID(80351110224678912)
		rol = discord.RoleID(1160000000000000001)
	)
	rows := []struct {
		name         string
		status       int
		answer       string
		call         func(t *testing.T, c *rest.Client)
		method, path string
		query        url.Values
		body         string
		noAuth       bool
	}{
		{name: "GetChannel", answer: channelJSON, method: "GET", path: "/channels/1140000000000000001",
			call: func(t *testing.T, c *rest.Client) {
				got, err := c.GetChannel(context.Background(), ch)
				if err != nil || got.ID != ch || got.Type != discord.ChannelTypeGuildText || got.Topic == nil ||
					*got.Topic != "24/7 chat about how to gank Mike #2" || got.ParentID != 1140000000000000009 ||
					got.PermissionOverwrites[0].Deny != discord.Permissions(2048) || !got.NSFW {
					t.Errorf("%+v %v", got, err)
				}
			}},
		{name: "UpdateChannel", answer: channelJSON, method: "PATCH", path: "/channels/1140000000000000001",
			body: `{"name":"general","nsfw":false,"topic":null}`,
			call: func(t *testing.T, c *rest.Client) {
				got, err := c.UpdateChannel(context.Background(), ch, rest.UpdateChannelParams{
					Name: discord.Value("general"), NSFW: discord.Value(false), Topic: discord.Null[string]()}, rest.UpdateChannelOptions{})
				if err != nil || got.Name != "general" {
					t.Errorf("%+v %v", got, err)
				}
			}},
		{name: "ListMessages", answer: "[" + messageJSON + "]", method: "GET", path: "/channels/1140000000000000001/messages",
			query: url.Values{"before": {"1150000000000000009"}, "limit": {"50"}},
			call: func(t *testing.T, c *rest.Client) {
				got, err := c.ListMessages(context.Background(), ch, rest.ListMessagesOptions{Before: 1150000000000000009, Limit: 50})
				if err != nil || len(got) != 1 || got[0].ID != msg || got[0].Author.ID != usr || got[0].Content != "Supa Hot" ||
					got[0].Embeds[0].Fields[0].Name != "Changes" || got[0].Nonce != "42" || got[0].EditedTimestamp != nil {
					t.Errorf("%+v %v", got, err)
				}
			}},
		{name: "CreateMessage", answer: messageJSON, method: "POST", path: "/channels/1140000000000000001/messages",
			body: `{"content":"Supa Hot","embeds":[{"title":"Release","description":"v1.2","fields":[{"name":"Changes","value":"many","inline":true}]}],"message_reference":{"message_id":"1150000000000000000"}}`,
			call: func(t *testing.T, c *rest.Client) {
				got, err := c.CreateMessage(context.Background(), ch, discord.MessageSend{Content: "Supa Hot",
					Embeds:           []discord.Embed{{Title: "Release", Description: "v1.2", Fields: []discord.EmbedField{{Name: "Changes", Value: "many", Inline: true}}}},
					MessageReference: &discord.MessageReference{MessageID: 1150000000000000000}}, rest.CreateMessageOptions{})
				if err != nil || got.ID != msg || got.Embeds[0].Color != 5814783 || got.Timestamp.Year() != 2026 {
					t.Errorf("%+v %v", got, err)
				}
			}},
		{name: "UpdateMessage", answer: messageJSON, method: "PATCH", path: "/channels/1140000000000000001/messages/1150000000000000001",
			body: `{"content":"Supa Hot","embeds":null}`,
			call: func(t *testing.T, c *rest.Client) {
				got, err := c.UpdateMessage(context.Background(), ch, msg, rest.UpdateMessageParams{
					Content: discord.Value("Supa Hot"), Embeds: discord.Null[[]discord.Embed]()}, rest.UpdateMessageOptions{})
				if err != nil || got.ChannelID != ch {
					t.Errorf("%+v %v", got, err)
				}
			}},
		{name: "DeleteMessage", status: 204, method: "DELETE", path: "/channels/1140000000000000001/messages/1150000000000000001",
			call: func(t *testing.T, c *rest.Client) {
				if err := c.DeleteMessage(context.Background(), ch, msg, rest.DeleteMessageOptions{}); err != nil {
					t.Error(err)
				}
			}},
		{name: "GetGuild", answer: guildJSON, method: "GET", path: "/guilds/1130000000000000001", query: url.Values{"with_counts": {"true"}},
			call: func(t *testing.T, c *rest.Client) {
				got, err := c.GetGuild(context.Background(), gd, rest.GetGuildOptions{WithCounts: true})
				if err != nil || got.ID != gd || got.ApproximateMemberCount != 4201 || got.PremiumTier != 2 ||
					!got.HasFeature("COMMUNITY") || got.AFKChannelID != 0 || got.SystemChannelID != ch {
					t.Errorf("%+v %v", got, err)
				}
			}},
		{name: "ListGuildMembers", answer: "[" + memberJSON + "]", method: "GET", path: "/guilds/1130000000000000001/members",
			query: url.Values{"limit": {"1000"}, "after": {"80351110224678900"}},
			call: func(t *testing.T, c *rest.Client) {
				got, err := c.ListGuildMembers(context.Background(), gd, rest.ListGuildMembersOptions{Limit: 1000, After: 80351110224678900})
				if err != nil || len(got) != 1 || got[0].User.ID != usr || *got[0].Nick != "NOT API SUPPORT" || got[0].Roles[0] != rol {
					t.Errorf("%+v %v", got, err)
				}
			}},
		{name: "UpdateGuildMember", answer: memberJSON, method: "PATCH", path: "/guilds/1130000000000000001/members/80351110224678912",
			body: `{"nick":null,"roles":["1160000000000000001"],"communication_disabled_until":"2026-12-04T00:00:00Z"}`,
			call: func(t *testing.T, c *rest.Client) {
				got, err := c.UpdateGuildMember(context.Background(), gd, usr, rest.UpdateGuildMemberParams{
					Nick: discord.Null[string](), Roles: discord.Value([]discord.RoleID{rol}),
					CommunicationDisabledUntil: discord.Value(time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC))},
					rest.UpdateGuildMemberOptions{Reason: "cool-down"})
				if err != nil || got.JoinedAt.Year() != 2025 {
					t.Errorf("%+v %v", got, err)
				}
			}},
		{name: "CreateGuildRole", answer: roleJSON, method: "POST", path: "/guilds/1130000000000000001/roles",
			body: `{"name":"WE DEM BOYZZ!!!!!!","permissions":"66321471","color":3447003,"hoist":true,"mentionable":false}`,
			call: func(t *testing.T, c *rest.Client) {
				got, err := c.CreateGuildRole(context.Background(), gd, rest.CreateGuildRoleParams{Name: "WE DEM BOYZZ!!!!!!",
					Permissions: 66321471, Color: 3447003, Hoist: discord.Some(true), Mentionable: discord.Some(false)}, rest.CreateGuildRoleOptions{})
				if err != nil || got.ID != rol || !got.Hoist || got.Permissions != 66321471 || got.Colors.SecondaryColor != nil {
					t.Errorf("%+v %v", got, err)
				}
			}},
		{name: "ListGuildRoles", answer: "[" + roleJSON + "]", method: "GET", path: "/guilds/1130000000000000001/roles",
			call: func(t *testing.T, c *rest.Client) {
				got, err := c.ListGuildRoles(context.Background(), gd)
				if err != nil || len(got) != 1 || got[0].Position != 1 {
					t.Errorf("%+v %v", got, err)
				}
			}},
		{name: "AddGuildMemberRole", status: 204, method: "PUT", path: "/guilds/1130000000000000001/members/80351110224678912/roles/1160000000000000001",
			call: func(t *testing.T, c *rest.Client) {
				if err := c.AddGuildMemberRole(context.Background(), gd, usr, rol, rest.AddGuildMemberRoleOptions{}); err != nil {
					t.Error(err)
				}
			}},
		{name: "BanUserFromGuild", status: 204, method: "PUT", path: "/guilds/1130000000000000001/bans/80351110224678912",
			body: `{"delete_message_seconds":3600}`,
			call: func(t *testing.T, c *rest.Client) {
				if err := c.BanUserFromGuild(context.Background(), gd, usr, rest.BanUserFromGuildParams{DeleteMessageSeconds: 3600}, rest.BanUserFromGuildOptions{}); err != nil {
					t.Error(err)
				}
			}},
		{name: "CreateGuildApplicationCommand", answer: commandJSON, method: "POST", path: "/applications/1120000000000000001/guilds/1130000000000000001/commands",
			body: `{"name":"blep","description":"Send a random adorable animal photo","type":1,"options":[{"type":3,"name":"animal","description":"The type of animal","required":true,"choices":[{"name":"Dog","value":"animal_dog"}]}]}`,
			call: func(t *testing.T, c *rest.Client) {
				got, err := c.CreateGuildApplicationCommand(context.Background(), app, gd, rest.CreateApplicationCommandParams{
					Name: "blep", Description: "Send a random adorable animal photo", Type: discord.ApplicationCommandType(1),
					Options: []discord.ApplicationCommandOption{{Type: discord.ApplicationCommandOptionType(3), Name: "animal",
						Description: "The type of animal", Required: true,
						Choices: []discord.ApplicationCommandOptionChoice{{Name: "Dog", Value: "animal_dog"}}}}})
				if err != nil || got.ID != 1170000000000000001 || got.ApplicationID != app || len(got.Options) != 2 ||
					got.Options[0].Choices[1].Value != "animal_cat" || got.Contexts[2] != discord.InteractionContextType(2) {
					t.Errorf("%+v %v", got, err)
				}
			}},
		{name: "BulkSetApplicationCommands", answer: "[" + commandJSON + "]", method: "PUT", path: "/applications/1120000000000000001/commands",
			body: `[{"name":"blep","description":"Send a random adorable animal photo"}]`,
			call: func(t *testing.T, c *rest.Client) {
				got, err := c.BulkSetApplicationCommands(context.Background(), app, []rest.ApplicationCommandUpdate{{Name: "blep", Description: "Send a random adorable animal photo"}})
				if err != nil || len(got) != 1 || got[0].Name != "blep" {
					t.Errorf("%+v %v", got, err)
				}
			}},
		{name: "CreateInteractionResponse", status: 204, method: "POST", path: "/interactions/1200000000000000001/aW50ZXJhY3Rpb24/callback",
			body:   `{"type":4,"data":{"embeds":[{"title":"Dog","description":"a good one"}],"flags":64}}`,
			noAuth: true,
			call: func(t *testing.T, c *rest.Client) {
				_, err := c.CreateInteractionResponse(context.Background(), 1200000000000000001, "aW50ZXJhY3Rpb24", discord.InteractionResponse{
					Type: discord.InteractionResponseChannelMessageWithSource, Data: &discord.InteractionResponseData{
						Embeds: []discord.Embed{{Title: "Dog", Description: "a good one"}}, Flags: discord.MessageFlagEphemeral}},
					rest.CreateInteractionResponseOptions{})
				if err != nil {
					t.Error(err)
				}
			}},
		{name: "ExecuteWebhook", answer: messageJSON, method: "POST", path: "/webhooks/1180000000000000001/d2ViaG9vaw",
			query: url.Values{"wait": {"true"}}, body: `{"content":"Supa Hot","username":"Captain Hook"}`, noAuth: true,
			call: func(t *testing.T, c *rest.Client) {
				got, err := c.ExecuteWebhook(context.Background(), 1180000000000000001, "d2ViaG9vaw",
					rest.ExecuteWebhookParams{Content: "Supa Hot", Username: "Captain Hook"}, rest.ExecuteWebhookOptions{Wait: true})
				if err != nil || got.ID != msg {
					t.Errorf("%+v %v", got, err)
				}
			}},
		{name: "CreateWebhook", answer: webhookJSON, method: "POST", path: "/channels/1140000000000000001/webhooks",
			body: `{"name":"test webhook"}`,
			call: func(t *testing.T, c *rest.Client) {
				got, err := c.CreateWebhook(context.Background(), ch, rest.CreateWebhookParams{Name: "test webhook"}, rest.CreateWebhookOptions{})
				if err != nil || got.ID != 1180000000000000001 || got.Type != discord.WebhookTypeGuildIncoming || got.User.ID != usr || got.Token == "" {
					t.Errorf("%+v %v", got, err)
				}
			}},
		{name: "GetWebhook", answer: webhookJSON, method: "GET", path: "/webhooks/1180000000000000001",
			call: func(t *testing.T, c *rest.Client) {
				got, err := c.GetWebhook(context.Background(), 1180000000000000001)
				if err != nil || got.ChannelID != ch || got.GuildID != gd {
					t.Errorf("%+v %v", got, err)
				}
			}},
		{name: "CreateThreadFromMessage", status: 201, answer: threadJSON, method: "POST", path: "/channels/1140000000000000001/messages/1150000000000000001/threads",
			body: `{"name":"don't buy dota-2","auto_archive_duration":1440}`,
			call: func(t *testing.T, c *rest.Client) {
				got, err := c.CreateThreadFromMessage(context.Background(), ch, msg, rest.CreateThreadFromMessageParams{
					Name: "don't buy dota-2", AutoArchiveDuration: 1440}, rest.CreateThreadFromMessageOptions{})
				if err != nil || !got.IsThread() || got.ThreadMetadata.AutoArchiveDuration != 1440 || got.ParentID != ch {
					t.Errorf("%+v %v", got, err)
				}
			}},
		{name: "ListThreadMembers", answer: `[{"id":"1140000000000000050","user_id":"80351110224678912","join_timestamp":"2026-11-29T02:26:00.000000+00:00","flags":1,"member":` + memberJSON + `}]`,
			method: "GET", path: "/channels/1140000000000000050/thread-members", query: url.Values{"with_member": {"true"}},
			call: func(t *testing.T, c *rest.Client) {
				got, err := c.ListThreadMembers(context.Background(), 1140000000000000050, rest.ListThreadMembersOptions{WithMember: true})
				if err != nil || len(got) != 1 || got[0].UserID != usr || got[0].Member == nil || got[0].Member.User.ID != usr {
					t.Errorf("%+v %v", got, err)
				}
			}},
		{name: "ListPublicArchivedThreads", answer: `{"threads":[` + threadJSON + `],"members":[],"has_more":false}`,
			method: "GET", path: "/channels/1140000000000000001/threads/archived/public",
			query: url.Values{"before": {"2026-11-30T00:00:00Z"}},
			call: func(t *testing.T, c *rest.Client) {
				got, err := c.ListPublicArchivedThreads(context.Background(), ch, rest.ListPublicArchivedThreadsOptions{Before: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)})
				if err != nil || len(got.Threads) != 1 || got.HasMore || got.Threads[0].Name != "don't buy dota-2" {
					t.Errorf("%+v %v", got, err)
				}
			}},
		{name: "ListGuildEmojis", answer: "[" + emojiJSON + "]", method: "GET", path: "/guilds/1130000000000000001/emojis",
			call: func(t *testing.T, c *rest.Client) {
				got, err := c.ListGuildEmojis(context.Background(), gd)
				if err != nil || len(got) != 1 || got[0].ID != 1190000000000000001 || got[0].User.ID != usr || got[0].Roles[0] != rol {
					t.Errorf("%+v %v", got, err)
				}
			}},
		{name: "CreateGuildEmoji", status: 201, answer: emojiJSON, method: "POST", path: "/guilds/1130000000000000001/emojis",
			body: `{"name":"LUL","image":"data:image/png;base64,iVBORw0KGgo=","roles":["1160000000000000001"]}`,
			call: func(t *testing.T, c *rest.Client) {
				got, err := c.CreateGuildEmoji(context.Background(), gd, rest.CreateGuildEmojiParams{Name: "LUL",
					Image: "data:image/png;base64,iVBORw0KGgo=", Roles: []discord.RoleID{rol}}, rest.CreateGuildEmojiOptions{})
				if err != nil || got.Name != "LUL" || !got.RequireColons {
					t.Errorf("%+v %v", got, err)
				}
			}},
		{name: "AddMyMessageReaction", status: 204, method: "PUT",
			path: "/channels/1140000000000000001/messages/1150000000000000001/reactions/LUL:1190000000000000001/@me",
			call: func(t *testing.T, c *rest.Client) {
				e := discord.Emoji{ID: 1190000000000000001, Name: "LUL"}
				if err := c.AddMyMessageReaction(context.Background(), ch, msg, e.APIName()); err != nil {
					t.Error(err)
				}
			}},
		{name: "GetBotGateway", answer: `{"url":"wss://gateway.discord.gg","shards":9,"session_start_limit":{"total":1000,"remaining":999,"reset_after":14400000,"max_concurrency":1}}`,
			method: "GET", path: "/gateway/bot",
			call: func(t *testing.T, c *rest.Client) {
				got, err := c.GetBotGateway(context.Background())
				if err != nil || got.Shards != 9 || got.SessionStartLimit.ResetAfter() != 4*time.Hour {
					t.Errorf("%+v %v", got, err)
				}
			}},
		{name: "CreateDM", answer: `{"id":"1140000000000000077","type":1,"last_message_id":null,"flags":0,"recipients":[` + userJSON + `]}`,
			method: "POST", path: "/users/@me/channels", body: `{"recipient_id":"80351110224678912"}`,
			call: func(t *testing.T, c *rest.Client) {
				got, err := c.CreateDM(context.Background(), rest.CreateDMParams{RecipientID: usr})
				if err != nil || got.Type != discord.ChannelTypeDM || got.Recipients[0].ID != usr {
					t.Errorf("%+v %v", got, err)
				}
			}},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			status := r.status
			if status == 0 {
				status = 200
			}
			c, got := fakeAPI(t, status, r.answer)
			r.call(t, c)
			if len(got()) != 1 {
				t.Fatalf("%d requests, want 1", len(got()))
			}
			s := got()[0]
			if s.method != r.method || s.path != "/api/v10"+r.path {
				t.Errorf("sent %s %s, want %s /api/v10%s", s.method, s.path, r.method, r.path)
			}
			if want := r.query; len(want) > 0 || len(s.query) > 0 {
				if !reflect.DeepEqual(s.query, want) {
					t.Errorf("query %v, want %v", s.query, want)
				}
			}
			if !jsonEqual(t, s.body, r.body) {
				t.Errorf("body %s, want %s", s.body, r.body)
			}
			if auth := s.header.Get("Authorization"); r.noAuth != (auth == "") {
				t.Errorf("Authorization %q; want it sent: %v", auth, !r.noAuth)
			}
		})
	}
}

// A PATCH body tells "leave it alone" (absent) from "clear it" (null)
// from "set it": Discord reads the three differently.
func TestNullableFieldsSendNothingNullOrAValue(t *testing.T) {
	for _, r := range []struct {
		name  string
		topic discord.Nullable[string]
		want  string
	}{
		{"absent leaves the topic alone", discord.Nullable[string]{}, `{}`},
		{"null clears it", discord.Null[string](), `{"topic":null}`},
		{"a value sets it", discord.Value("release day"), `{"topic":"release day"}`},
		{"an empty value is still sent", discord.Value(""), `{"topic":""}`},
	} {
		t.Run(r.name, func(t *testing.T) {
			c, got := fakeAPI(t, 200, channelJSON)
			if _, err := c.UpdateChannel(context.Background(), 1140000000000000001, rest.UpdateChannelParams{Topic: r.topic}, rest.UpdateChannelOptions{}); err != nil {
				t.Fatal(err)
			}
			if b := got()[0].body; string(b) != r.want {
				t.Errorf("body %s, want %s", b, r.want)
			}
		})
	}
}

// The reason goes in X-Audit-Log-Reason, URL-escaped, on the operations
// Discord's docs say accept it; nothing is sent when it is empty.
func TestTheAuditLogReasonTravelsAsAHeader(t *testing.T) {
	c, got := fakeAPI(t, 204, "")
	ctx := context.Background()
	if err := c.DeleteGuildMember(ctx, 1130000000000000001, 80351110224678912, rest.DeleteGuildMemberOptions{Reason: "raid / spam über"}); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteGuildMember(ctx, 1130000000000000001, 80351110224678912, rest.DeleteGuildMemberOptions{}); err != nil {
		t.Fatal(err)
	}
	if h := got()[0].header.Get("X-Audit-Log-Reason"); h != "raid%20%2F%20spam%20%C3%BCber" {
		t.Errorf("X-Audit-Log-Reason = %q", h)
	}
	if _, ok := got()[1].header["X-Audit-Log-Reason"]; ok {
		t.Errorf("an empty reason was sent: %q", got()[1].header)
	}
}

// Discord adds fields and enum values every week: a decode must keep
// working and keep the values it does not know.
func TestUnknownFieldsAndEnumValuesDecode(t *testing.T) {
	answer := `{"id":"1150000000000000001","channel_id":"1140000000000000001","author":` + userJSON + `,
		"content":"hi","timestamp":"2026-11-30T18:04:11.132000+00:00","edited_timestamp":null,"tts":false,
		"mention_everyone":false,"mentions":[],"mention_roles":[],"attachments":[],"embeds":[{"type":"holographic"}],
		"pinned":false,"type":9999,"flags":1073741824,"components":[{"type":77,"future":true}],
		"field_from_next_week":{"nested":[1,2,3]},"thread":{"id":"1","type":99}}`
	c, _ := fakeAPI(t, 200, answer)
	got, err := c.GetMessage(context.Background(), 1140000000000000001, 1150000000000000001)
	if err != nil {
		t.Fatal(err)
	}
	if got.Type != 9999 || got.Flags != 1<<30 || got.Embeds[0].Type != "holographic" || got.Thread.Type != 99 ||
		len(got.Components) != 1 || !json.Valid(got.Components[0]) {
		t.Errorf("%+v", got)
	}
	// A generated model and a generated enum, likewise.
	c, _ = fakeAPI(t, 200, `{"id":"1180000000000000001","type":42,"name":"hook","avatar":null,"channel_id":"1","application_id":null,"new":1}`)
	wh, err := c.GetWebhook(context.Background(), 1180000000000000001)
	if err != nil || wh.Type != discord.WebhookType(42) {
		t.Errorf("%+v %v", wh, err)
	}
}

// A create-message POST is retried after a 5xx only when Discord can
// de-duplicate it: a nonce with enforce_nonce (PROTOCOL.md §14). Any other
// create-message POST fails rather than risk posting twice.
func TestCreateMessageIsRetriedOnlyWithAnEnforcedNonce(t *testing.T) {
	for _, r := range []struct {
		name     string
		msg      discord.MessageSend
		requests int
		ok       bool
	}{
		{"no nonce: not retried", discord.MessageSend{Content: "hi"}, 1, false},
		{"a nonce alone: not retried", discord.MessageSend{Content: "hi", Nonce: "n-1"}, 1, false},
		{"an enforced nonce: retried", discord.MessageSend{Content: "hi", Nonce: "n-1", EnforceNonce: true}, 2, true},
	} {
		t.Run(r.name, func(t *testing.T) {
			var calls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				if calls.Add(1) == 1 {
					w.WriteHeader(http.StatusBadGateway)
					return
				}
				w.Header().Set("Content-Type", "application/json")
				io.WriteString(w, messageJSON)
			}))
			defer srv.Close()
			c := rest.New("t", rest.WithBaseURL(srv.URL))
			_, err := c.CreateMessage(context.Background(), 1140000000000000001, r.msg, rest.CreateMessageOptions{})
			if n := int(calls.Load()); n != r.requests || (err == nil) != r.ok {
				t.Errorf("%d requests, error %v; want %d requests, success %v", calls.Load(), err, r.requests, r.ok)
			}
		})
	}
}
