package discord

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

// fixture reads a hand-written model fixture from testdata/models (see its
// README).
func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "models", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func ptr[T any](v T) *T { return &v }

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

// modelCases decode each fixture into its model and check the fields a bot
// relies on.
var modelCases = []struct {
	file  string
	new   func() any
	check func(t *testing.T, v any)
}{
	{"user.json", func() any { return new(User) }, func(t *testing.T, v any) {
		u := v.(*User)
		if u.ID != 1175432209876543210 || u.Username != "quillon" || u.GlobalName != nil || u.Discriminator != "0" || u.Bot {
			t.Errorf("identity: %+v", u)
		}
		if u.Avatar == nil || *u.Avatar != "5d1e0c7a9b3f42e8a6c0d4b2f1e3a7c9" || u.Email == nil || *u.Email != "quillon@example.org" || !u.Verified || !u.MFAEnabled {
			t.Errorf("avatar/email: %+v", u)
		}
		if u.Flags != UserFlagHypesquadOnlineHouse2 || u.PublicFlags != 128 || u.PremiumType != PremiumTypeNitro || u.AccentColor == nil || *u.AccentColor != 3066993 {
			t.Errorf("flags: %+v", u)
		}
		if u.AvatarDecorationData == nil || u.AvatarDecorationData.SKUID != 1201133445566778899 {
			t.Errorf("avatar decoration: %+v", u.AvatarDecorationData)
		}
		if u.Collectibles == nil || u.Collectibles.Nameplate == nil || u.Collectibles.Nameplate.Palette != "forest" {
			t.Errorf("collectibles: %+v", u.Collectibles)
		}
		if u.PrimaryGuild == nil || u.PrimaryGuild.IdentityGuildID != 1182004418843037706 || u.PrimaryGuild.Tag == nil || *u.PrimaryGuild.Tag != "LNTN" {
			t.Errorf("primary guild: %+v", u.PrimaryGuild)
		}
		if u.DisplayName() != "quillon" || u.Mention() != "<@1175432209876543210>" {
			t.Errorf("display name %q, mention %q", u.DisplayName(), u.Mention())
		}
	}},
	{"guild.json", func() any { return new(Guild) }, func(t *testing.T, v any) {
		g := v.(*Guild)
		if g.ID != 1182004418843037706 || g.Name != "Lantern Labs" || g.OwnerID != 1176003112233445566 || g.IconHash != nil {
			t.Errorf("identity: %+v", g)
		}
		if g.AFKChannelID != 0 || g.AFKTimeout != 900 || g.RulesChannelID != 1182004419300000002 || g.SafetyAlertsChannelID != 0 || g.WidgetChannelID != 1182004419300000001 {
			t.Errorf("channels: %+v", g)
		}
		if g.VerificationLevel != VerificationLevelMedium || g.MFALevel != MFALevelNone || g.ExplicitContentFilter != ExplicitContentFilterMembersWithoutRoles || g.PremiumTier != PremiumTier2 {
			t.Errorf("levels: %+v", g)
		}
		if !g.HasFeature(GuildFeatureCommunity) || g.HasFeature(GuildFeaturePartnered) || len(g.Features) != 6 {
			t.Errorf("features: %v", g.Features)
		}
		if g.MaxPresences != nil || g.MaxMembers != 500000 || g.VanityURLCode != nil || g.Description == nil || *g.Description != "Workshop for lamp makers" || g.IncidentsData != nil {
			t.Errorf("limits: %+v", g)
		}
	}},
	{"unavailable-guild.json", func() any { return new(UnavailableGuild) }, func(t *testing.T, v any) {
		if g := v.(*UnavailableGuild); g.ID != 1182004418843037706 || !g.Unavailable {
			t.Errorf("%+v", g)
		}
	}},
	{"welcome-screen.json", func() any { return new(WelcomeScreen) }, func(t *testing.T, v any) {
		w := v.(*WelcomeScreen)
		if w.Description == nil || len(w.WelcomeChannels) != 2 || w.WelcomeChannels[0].ChannelID != 1182004419300000002 || w.WelcomeChannels[0].EmojiID != 0 {
			t.Fatalf("%+v", w)
		}
		if c := w.WelcomeChannels[1]; c.EmojiID != 1183300000000000777 || c.EmojiName == nil || *c.EmojiName != "glowup" || c.Description != "Show your lamps" {
			t.Errorf("%+v", c)
		}
	}},
	{"incidents-data.json", func() any { return new(IncidentsData) }, func(t *testing.T, v any) {
		d := v.(*IncidentsData)
		if d.InvitesDisabledUntil != nil || d.DMsDisabledUntil == nil || !d.DMsDisabledUntil.Equal(mustTime(t, "2025-03-14T09:30:00.125Z")) {
			t.Errorf("%+v", d)
		}
		if d.RaidDetectedAt == nil || d.DMSpamDetectedAt != nil {
			t.Errorf("detections: %+v", d)
		}
	}},
	{"member.json", func() any { return new(Member) }, func(t *testing.T, v any) {
		m := v.(*Member)
		if m.User == nil || m.User.ID != 1176003112233445566 || m.Nick != nil || m.Avatar == nil || len(m.Roles) != 2 || m.Roles[1] != 1182004420100000012 {
			t.Errorf("%+v", m)
		}
		if !m.JoinedAt.Equal(mustTime(t, "2023-11-30T18:05:12.042Z")) || m.PremiumSince == nil || m.Deaf || !m.Mute {
			t.Errorf("joined/voice: %+v", m)
		}
		if m.DisplayName() != "Mirela V." {
			t.Errorf("display name %q: a member without a nick shows the user's global name", m.DisplayName())
		}
	}},
	{"role.json", func() any { return new(Role) }, func(t *testing.T, v any) {
		r := v.(*Role)
		if r.ID != 1182004420100000011 || r.Color != 15105570 || r.Colors.PrimaryColor != 15105570 || r.Colors.SecondaryColor == nil || *r.Colors.SecondaryColor != 3447003 || r.Colors.TertiaryColor != nil || r.Hoist || r.Position != 4 {
			t.Errorf("%+v", r)
		}
		if r.Permissions != 2151017472 || !r.Permissions.Has(PermissionViewChannel|PermissionSendMessages|PermissionUseApplicationCommands) || r.Permissions.Has(PermissionAdministrator) || r.Permissions.Has(PermissionChangeNickname) {
			t.Errorf("permissions %v", r.Permissions)
		}
		if r.Icon != nil || r.UnicodeEmoji == nil || *r.UnicodeEmoji != "🔥" || r.Tags == nil || r.Tags.BotID != 1190000000000000101 || !r.Managed {
			t.Errorf("icon/tags: %+v", r)
		}
	}},
	{"emoji-custom.json", func() any { return new(Emoji) }, func(t *testing.T, v any) {
		e := v.(*Emoji)
		if e.ID != 1183300000000000777 || e.Name != "glowup" || len(e.Roles) != 1 || e.User == nil || e.User.PublicFlags != 4194304 || !e.RequireColons || e.Animated || !e.Available {
			t.Errorf("%+v", e)
		}
		if e.APIName() != "glowup:1183300000000000777" || e.Mention() != "<:glowup:1183300000000000777>" || !e.IsCustom() {
			t.Errorf("forms %q %q", e.APIName(), e.Mention())
		}
	}},
	{"emoji-unicode.json", func() any { return new(Emoji) }, func(t *testing.T, v any) {
		if e := v.(*Emoji); e.ID != 0 || e.Name != "🕯️" || e.IsCustom() || e.APIName() != "🕯️" || e.Mention() != "🕯️" {
			t.Errorf("%+v", e)
		}
	}},
	{"emoji-animated.json", func() any { return new(Emoji) }, func(t *testing.T, v any) {
		if e := v.(*Emoji); !e.Animated || e.Mention() != "<a:flicker:1183300000000000778>" {
			t.Errorf("%+v", e)
		}
	}},
	{"emoji-deleted.json", func() any { return new(Emoji) }, func(t *testing.T, v any) {
		if e := v.(*Emoji); e.ID != 1183300000000000779 || e.Name != "" || !e.IsCustom() {
			t.Errorf("deleted custom emoji: %+v", e)
		}
	}},
	{"sticker.json", func() any { return new(Sticker) }, func(t *testing.T, v any) {
		s := v.(*Sticker)
		if s.ID != 1184400000000000123 || s.PackID != 0 || s.GuildID != 1182004418843037706 || s.Type != StickerTypeGuild || s.FormatType != StickerFormatGIF || s.SortValue != 0 {
			t.Errorf("%+v", s)
		}
		if s.Description != nil || s.Tags != "bulb" || !s.Available || s.User == nil {
			t.Errorf("description/tags %+v", s)
		}
	}},
	{"channel-text.json", func() any { return new(Channel) }, func(t *testing.T, v any) {
		c := v.(*Channel)
		if c.ID != 1182004419300000004 || c.Type != ChannelTypeGuildText || c.Name != "show-and-tell" || c.Position != 3 || c.RateLimitPerUser != 30 || c.NSFW {
			t.Errorf("%+v", c)
		}
		if c.LastMessageID != 1185500000000000900 || c.ParentID != 1182004419300000010 || c.Topic == nil || c.LastPinTimestamp == nil || c.DefaultAutoArchiveDuration != 4320 {
			t.Errorf("refs: %+v", c)
		}
		if ow := c.PermissionOverwrites; len(ow) != 2 || ow[0].Deny != PermissionSendMessages || ow[1].Allow != PermissionSendMessages || ow[1].ID != 1182004420100000011 {
			t.Errorf("overwrites: %+v", ow)
		}
	}},
	{"channel-announcement.json", func() any { return new(Channel) }, func(t *testing.T, v any) {
		if c := v.(*Channel); c.Type != ChannelTypeGuildAnnouncement || c.DefaultAutoArchiveDuration != 10080 || c.Topic != nil || c.LastMessageID != 0 || c.ParentID != 0 {
			t.Errorf("%+v", c)
		}
	}},
	{"channel-voice.json", func() any { return new(Channel) }, func(t *testing.T, v any) {
		c := v.(*Channel)
		if c.Type != ChannelTypeGuildVoice || !c.Type.IsVoice() || c.Bitrate != 96000 || c.UserLimit != 12 || c.ParentID != 1182004419300000010 {
			t.Errorf("%+v", c)
		}
		if c.RTCRegion == nil || *c.RTCRegion != "rotterdam" || c.VideoQualityMode != VideoQualityFull {
			t.Errorf("region/quality: %+v", c)
		}
	}},
	{"channel-dm.json", func() any { return new(Channel) }, func(t *testing.T, v any) {
		c := v.(*Channel)
		if c.Type != ChannelTypeDM || len(c.Recipients) != 1 || c.Recipients[0].ID != 1176003112233445566 || c.GuildID != 0 || c.Name != "" {
			t.Errorf("%+v", c)
		}
	}},
	{"channel-group-dm.json", func() any { return new(Channel) }, func(t *testing.T, v any) {
		c := v.(*Channel)
		if c.Type != ChannelTypeGroupDM || len(c.Recipients) != 3 || c.OwnerID != 1175432209876543210 || c.Name != "kiln schedule" || c.Icon != nil {
			t.Errorf("%+v", c)
		}
	}},
	{"channel-category.json", func() any { return new(Channel) }, func(t *testing.T, v any) {
		if c := v.(*Channel); c.Type != ChannelTypeGuildCategory || c.GuildID != 1182004418843037706 || c.Name != "WORKSHOP" || c.ParentID != 0 {
			t.Errorf("%+v", c)
		}
	}},
	{"channel-thread.json", func() any { return new(Channel) }, func(t *testing.T, v any) {
		c := v.(*Channel)
		if !c.IsThread() || c.Type != ChannelTypePublicThread || c.MessageCount != 27 || c.MemberCount != 4 || c.TotalMessageSent != 31 || c.ParentID != 1182004419300000004 {
			t.Errorf("%+v", c)
		}
		md := c.ThreadMetadata
		if md == nil || !md.Archived || md.AutoArchiveDuration != 60 || md.Locked || !md.Invitable || !md.ArchiveTimestamp.Equal(mustTime(t, "2024-06-03T11:20:05.25Z")) || md.CreateTimestamp == nil {
			t.Errorf("metadata %+v", md)
		}
		if c.Member == nil || c.Member.UserID != 1190000000000000101 || c.Member.Flags != 1 {
			t.Errorf("thread member %+v", c.Member)
		}
	}},
	{"channel-forum.json", func() any { return new(Channel) }, func(t *testing.T, v any) {
		c := v.(*Channel)
		if c.Type != ChannelTypeGuildForum || c.Flags != ChannelFlagRequireTag || c.DefaultThreadRateLimitPerUser != 10 || c.DefaultForumLayout != ForumLayoutGalleryView {
			t.Errorf("%+v", c)
		}
		if c.DefaultSortOrder == nil || *c.DefaultSortOrder != SortOrderCreationDate || c.DefaultReactionEmoji == nil || c.DefaultReactionEmoji.EmojiName == nil || *c.DefaultReactionEmoji.EmojiName != "💡" {
			t.Errorf("defaults: %+v", c)
		}
		if tags := c.AvailableTags; len(tags) != 2 || !tags[0].Moderated || tags[0].ID != 1182004419300000031 || tags[1].EmojiName != nil || tags[1].Name != "wiring" {
			t.Errorf("tags: %+v", tags)
		}
	}},
	{"message.json", func() any { return new(Message) }, func(t *testing.T, v any) {
		m := v.(*Message)
		if m.ID != 1185500000000000901 || m.ChannelID != 1182004419300000004 || m.Content != "first brass lamp is done <@1175432209876543210>" || m.Type != MessageTypeDefault || !m.Pinned {
			t.Errorf("%+v", m)
		}
		if m.Author.ID != 1176003112233445566 || m.Author.Username != "mirela" || m.EditedTimestamp == nil || m.Nonce != "8812763401" {
			t.Errorf("author/edit/nonce: %+v", m)
		}
		if !m.Timestamp.Equal(mustTime(t, "2024-06-02T08:14:31.608Z")) {
			t.Errorf("timestamp %v", m.Timestamp)
		}
		if len(m.Mentions) != 1 || m.Mentions[0].ID != 1175432209876543210 || len(m.MentionRoles) != 1 || m.MentionRoles[0] != 1182004420100000012 {
			t.Errorf("mentions %+v %+v", m.Mentions, m.MentionRoles)
		}
		if len(m.Attachments) != 1 || m.Attachments[0].Size != 482113 || m.Attachments[0].Width == nil || *m.Attachments[0].Width != 1440 {
			t.Errorf("attachments %+v", m.Attachments)
		}
		if len(m.Reactions) != 2 || m.Reactions[0].Emoji.Name != "💡" || m.Reactions[0].CountDetails.Burst != 1 || m.Reactions[0].CountDetails.Normal != 2 || !m.Reactions[0].Me || m.Reactions[1].Emoji.ID != 1183300000000000777 {
			t.Errorf("reactions %+v", m.Reactions)
		}
	}},
	{"message-crosspost.json", func() any { return new(Message) }, func(t *testing.T, v any) {
		m := v.(*Message)
		if m.Flags != MessageFlagIsCrosspost || len(m.MentionChannels) != 1 || m.MentionChannels[0].Type != ChannelTypeGuildAnnouncement || m.WebhookID != 1189900000000000077 {
			t.Errorf("%+v", m)
		}
		ref := m.MessageReference
		if ref == nil || ref.Type != MessageReferenceDefault || ref.MessageID != 1185500000000000929 || ref.GuildID != 1182004418843037706 || m.IsForward() {
			t.Errorf("reference %+v", ref)
		}
		if len(m.Embeds) != 1 || m.Embeds[0].Title != "Kiln firmware 2.0" || len(m.Embeds[0].Fields) != 1 || !m.Embeds[0].Fields[0].Inline || m.Embeds[0].Footer == nil {
			t.Errorf("embeds %+v", m.Embeds)
		}
	}},
	{"message-forward.json", func() any { return new(Message) }, func(t *testing.T, v any) {
		m := v.(*Message)
		if !m.IsForward() || m.Flags != MessageFlagHasSnapshot || m.MessageReference.MessageID != 1185500000000000901 {
			t.Errorf("%+v", m.MessageReference)
		}
		if len(m.MessageSnapshots) != 1 || m.MessageSnapshots[0].Message.Content != "first brass lamp is done" {
			t.Errorf("snapshots %+v", m.MessageSnapshots)
		}
	}},
	{"message-send.json", func() any { return new(MessageSend) }, func(t *testing.T, v any) {
		s := v.(*MessageSend)
		if s.Content != "Kiln is at temperature." || s.TTS || len(s.Embeds) != 1 || s.Embeds[0].Title != "Kiln 2" || s.Embeds[0].Color != 15105570 {
			t.Errorf("%+v", s)
		}
		if am := s.AllowedMentions; am == nil || !reflect.DeepEqual(am.Parse, []AllowedMentionType{AllowedMentionUsers}) || !am.RepliedUser || am.Roles != nil {
			t.Errorf("allowed mentions %+v", am)
		}
		if ref := s.MessageReference; ref == nil || ref.MessageID != 1185500000000000901 || ref.FailIfNotExists == nil || *ref.FailIfNotExists {
			t.Errorf("reference %+v", ref)
		}
	}},
	{"allowed-mentions-none.json", func() any { return new(MessageSend) }, func(t *testing.T, v any) {
		am := v.(*MessageSend).AllowedMentions
		if am == nil || am.Parse == nil || len(am.Parse) != 0 {
			t.Errorf("parse:[] must stay an empty, non-nil list: %+v", am)
		}
	}},
	{"allowed-mentions-mixed.json", func() any { return new(MessageSend) }, func(t *testing.T, v any) {
		am := v.(*MessageSend).AllowedMentions
		if am == nil || !reflect.DeepEqual(am.Parse, []AllowedMentionType{AllowedMentionEveryone}) || !reflect.DeepEqual(am.Users, []UserID{1175432209876543210, 1176003112233445566}) {
			t.Errorf("%+v", am)
		}
	}},
	{"soundboard-default.json", func() any { return new(SoundboardSound) }, func(t *testing.T, v any) {
		s := v.(*SoundboardSound)
		if s.SoundID != 7 || s.Name != "chime" || s.Volume != 0.8 || s.EmojiID != 0 || s.EmojiName == nil || *s.EmojiName != "🔔" || s.GuildID != 0 || !s.Available {
			t.Errorf("%+v", s)
		}
	}},
	{"soundboard-guild.json", func() any { return new(SoundboardSound) }, func(t *testing.T, v any) {
		s := v.(*SoundboardSound)
		if s.SoundID != 1186600000000000321 || s.EmojiID != 1183300000000000777 || s.EmojiName != nil || s.GuildID != 1182004418843037706 || s.Available || s.User == nil {
			t.Errorf("%+v", s)
		}
	}},
	{"stage-instance.json", func() any { return new(StageInstance) }, func(t *testing.T, v any) {
		s := v.(*StageInstance)
		if s.ID != 1186700000000000400 || s.PrivacyLevel != StagePrivacyGuildOnly || s.GuildScheduledEventID != 0 || s.Topic != "Office hours: soldering" || s.ChannelID != 1182004419300000021 {
			t.Errorf("%+v", s)
		}
	}},
	{"voice-state.json", func() any { return new(VoiceState) }, func(t *testing.T, v any) {
		s := v.(*VoiceState)
		if s.ChannelID != 1182004419300000020 || s.UserID != 1175432209876543210 || s.SelfMute || !s.SelfDeaf || !s.SelfStream || !s.Suppress || s.RequestToSpeakTimestamp != nil {
			t.Errorf("%+v", s)
		}
	}},
	{"automod-rule.json", func() any { return new(AutoModerationRule) }, func(t *testing.T, v any) {
		r := v.(*AutoModerationRule)
		if r.ID != 1186800000000000500 || r.TriggerType != AutoModerationTriggerKeyword || r.EventType != AutoModerationEventMessageSend || !r.Enabled || r.CreatorID != 1176003112233445566 {
			t.Errorf("%+v", r)
		}
		if len(r.Actions) != 3 || r.Actions[0].Metadata.CustomMessage == "" || r.Actions[1].Metadata == nil || r.Actions[1].Metadata.ChannelID != 1182004419300000040 || r.Actions[2].Type != AutoModerationActionTimeout || r.Actions[2].Metadata.DurationSeconds != 600 {
			t.Errorf("actions %+v", r.Actions)
		}
		md := r.TriggerMetadata
		if len(md.KeywordFilter) != 3 || len(md.RegexPatterns) != 1 || md.RegexPatterns[0] != `(?i)s+t+e+a+m+\s*gift` || len(md.AllowList) != 1 || len(r.ExemptRoles) != 1 || r.ExemptChannels[1] != 1182004419300000042 {
			t.Errorf("metadata %+v", md)
		}
	}},
	{"entitlement.json", func() any { return new(Entitlement) }, func(t *testing.T, v any) {
		e := v.(*Entitlement)
		if e.ID != 1186900000000000600 || e.SKUID != 1186900000000000010 || e.Type != EntitlementApplicationSubscription || e.UserID != 1175432209876543210 || e.GuildID != 0 {
			t.Errorf("%+v", e)
		}
		if e.Active(mustTime(t, "2025-01-10T11:59:59Z")) || !e.Active(mustTime(t, "2025-01-20T00:00:00Z")) || e.Active(mustTime(t, "2025-02-10T12:00:00Z")) {
			t.Errorf("active window %v..%v", e.StartsAt, e.EndsAt)
		}
	}},
	{"subscription.json", func() any { return new(Subscription) }, func(t *testing.T, v any) {
		s := v.(*Subscription)
		if s.ID != 1187000000000000700 || len(s.SKUIDs) != 1 || len(s.RenewalSKUIDs) != 1 || s.Status != SubscriptionInactive || s.CanceledAt == nil {
			t.Errorf("%+v", s)
		}
		if !s.CurrentPeriodEnd.Equal(mustTime(t, "2025-02-10T12:00:00Z")) || len(s.EntitlementIDs) != 1 || s.EntitlementIDs[0] != 1186900000000000600 {
			t.Errorf("period/entitlements %+v", s)
		}
	}},
	{"invite.json", func() any { return new(Invite) }, func(t *testing.T, v any) {
		i := v.(*Invite)
		if i.Code != "lamps4all" || i.Type != InviteTypeGuild || i.Guild == nil || i.Guild.ID != 1182004418843037706 || i.Channel == nil || i.Channel.Name != "Workbench" {
			t.Errorf("%+v", i)
		}
		if i.TargetType != InviteTargetStream || i.TargetUser == nil || i.TargetUser.Username != "quillon" || i.URL() != "https://discord.gg/lamps4all" || i.ApproximateMemberCount != 412 || i.ExpiresAt == nil {
			t.Errorf("target %+v", i)
		}
	}},
	{"invite-metadata.json", func() any { return new(Invite) }, func(t *testing.T, v any) {
		if i := v.(*Invite); i.CreatedAt == nil || i.Uses != 17 || i.MaxUses != 50 || i.MaxAge != 604800 || !i.Temporary || i.Guild != nil {
			t.Errorf("%+v", i)
		}
	}},
	{"application.json", func() any { return new(Application) }, func(t *testing.T, v any) {
		a := v.(*Application)
		if a.ID != 1190000000000000101 || a.Name != "Ferrybot" || a.BotPublic || !a.BotRequireCodeGrant || a.Owner == nil || a.Bot == nil || !a.Bot.Bot || a.GuildID != 1182004418843037706 {
			t.Errorf("%+v", a)
		}
		want := ApplicationFlagGatewayPresenceLimited | ApplicationFlagGatewayGuildMembersLimited | ApplicationFlagGatewayMessageContentLimited | ApplicationFlagApplicationCommandBadge
		if a.Flags != want || a.Flags&ApplicationFlagGatewayPresence != 0 {
			t.Errorf("flags %b", a.Flags)
		}
		if a.InteractionsEndpointURL != nil || len(a.Tags) != 2 {
			t.Errorf("endpoint/tags %+v", a)
		}
	}},
	{"activity-custom-status.json", func() any { return new(Activity) }, func(t *testing.T, v any) {
		a := v.(*Activity)
		if a.Type != ActivityCustom || a.State != "sanding" || a.CreatedAt != 1718000000000 || a.Emoji == nil || a.Emoji.ID != 1183300000000000778 || !a.Emoji.Animated {
			t.Errorf("%+v", a)
		}
	}},
	{"activity-rich.json", func() any { return new(Activity) }, func(t *testing.T, v any) {
		a := v.(*Activity)
		if a.Type != ActivityPlaying || a.ApplicationID != 1191100000000000888 || a.Timestamps == nil || a.Timestamps.Start != 1718000000000 || a.Timestamps.End != 1718003600000 {
			t.Errorf("%+v", a)
		}
		if a.Party == nil || a.Party.Size == nil || *a.Party.Size != [2]int{3, 6} || a.Assets == nil || a.Assets.SmallText != "Level 12" || a.Secrets == nil || a.Secrets.Join != "j-9c2e11" || a.Secrets.Match != "" {
			t.Errorf("rich presence %+v", a)
		}
		if a.Flags != ActivityFlagInstance|ActivityFlagJoin {
			t.Errorf("flags %b", a.Flags)
		}
	}},
	{"presence.json", func() any { return new(Presence) }, func(t *testing.T, v any) {
		p := v.(*Presence)
		if p.User.ID != 1175432209876543210 || p.Status != StatusIdle || len(p.Activities) != 1 || p.ClientStatus.Desktop != StatusIdle || p.ClientStatus.Mobile != StatusOnline || p.ClientStatus.Web != "" {
			t.Errorf("%+v", p)
		}
	}},
	{"voice-server-update.json", func() any { return new(VoiceServerUpdate) }, func(t *testing.T, v any) {
		e := v.(*VoiceServerUpdate)
		if e.Token != "a6b1c9d2e7f34088" || e.GuildID != 1182004418843037706 || e.Endpoint == nil || *e.Endpoint != "voice-fra7.example.net:443" {
			t.Errorf("%+v", e)
		}
	}},
	{"interaction-chat-input.json", func() any { return new(Interaction) }, func(t *testing.T, v any) {
		it := v.(*Interaction)
		if it.ID != 1192200000000000001 || it.Type != InteractionTypeApplicationCommand || it.GuildID != 1182004418843037706 || it.ChannelID != 1182004419300000004 || it.Token != "invented-interaction-token-0001" {
			t.Errorf("%+v", it)
		}
		if it.AppPermissions != 277025770560 || it.Member == nil || it.Member.Permissions != 1071698660929 || it.Invoker() == nil || it.Invoker().ID != 1176003112233445566 {
			t.Errorf("member/permissions: %+v", it.Member)
		}
		if it.Context == nil || *it.Context != InteractionContextGuild || it.AuthorizingIntegrationOwners[ApplicationIntegrationGuildInstall] != 1182004418843037706 || it.AttachmentSizeLimit != 10485760 {
			t.Errorf("context/owners: %+v", it)
		}
		d, err := it.CommandData()
		if err != nil {
			t.Fatal(err)
		}
		if d.ID != 1192200000000000050 || d.Name != "kiln" || d.Type != CommandTypeChatInput || len(d.Options) != 1 {
			t.Errorf("data %+v", d)
		}
		sub, ok := d.Option("set")
		if !ok || sub.Type != OptionTypeSubCommand {
			t.Fatalf("subcommand %+v", d.Options)
		}
		glaze, ok := sub.Option("glaze")
		if !ok || glaze.Type != OptionTypeString {
			t.Fatalf("option %+v", sub.Options)
		}
		if s, err := glaze.StringValue(); err != nil || s != "celadon" {
			t.Errorf("value %q, %v", s, err)
		}
		if _, err := glaze.IntValue(); err == nil {
			t.Error("a string option read as an integer")
		}
		temp, ok := sub.Option("temperature")
		if n, err := temp.IntValue(); !ok || err != nil || n != 1240 {
			t.Errorf("temperature %d, %v", n, err)
		}
		if _, ok := d.Option("glaze"); ok {
			t.Error("a nested option found at the top level")
		}
		if _, err := it.ComponentData(); err == nil {
			t.Error("a command read as component data")
		}
	}},
	{"interaction-user-command.json", func() any { return new(Interaction) }, func(t *testing.T, v any) {
		it := v.(*Interaction)
		d, err := it.CommandData()
		if err != nil {
			t.Fatal(err)
		}
		target := UserID(d.TargetID)
		if d.Type != CommandTypeUser || target != 1175432209876543210 || d.Resolved == nil {
			t.Fatalf("data %+v", d)
		}
		if u, ok := d.Resolved.Users[target]; !ok || u.Username != "quillon" || u.Bot {
			t.Errorf("resolved user %+v", d.Resolved.Users)
		}
		if m, ok := d.Resolved.Members[target]; !ok || m.Permissions != 1071698529857 || m.User != nil || m.Nick == nil || *m.Nick != "Q" {
			t.Errorf("resolved member %+v", d.Resolved.Members)
		}
	}},
	{"interaction-message-command.json", func() any { return new(Interaction) }, func(t *testing.T, v any) {
		it := v.(*Interaction)
		d, err := it.CommandData()
		if err != nil {
			t.Fatal(err)
		}
		m, ok := d.Resolved.Messages[MessageID(d.TargetID)]
		if d.Type != CommandTypeMessage || !ok || m.Content != "first brass lamp is done" || m.Author.Username != "mirela" {
			t.Errorf("resolved message %+v", d.Resolved.Messages)
		}
		if it.Member != nil || it.User == nil || it.Invoker() != it.User || it.GuildID != 0 {
			t.Errorf("a DM interaction's invoker is its user: %+v", it)
		}
	}},
}

func TestModelFixturesDecode(t *testing.T) {
	for _, tc := range modelCases {
		t.Run(tc.file, func(t *testing.T) {
			v := tc.new()
			if err := json.Unmarshal(fixture(t, tc.file), v); err != nil {
				t.Fatal(err)
			}
			tc.check(t, v)
		})
	}
}

// TestEveryFixtureHasACase keeps testdata/models and modelCases in step.
func TestEveryFixtureHasACase(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "models", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	have := map[string]bool{}
	for _, tc := range modelCases {
		have[tc.file] = true
	}
	for _, f := range files {
		if !have[filepath.Base(f)] {
			t.Errorf("%s has no case in modelCases", f)
		}
	}
}

// TestModelFixturesSurviveARoundTrip checks that encoding is a fixed point:
// what wirecord writes for a decoded fixture, it reads back and writes
// again byte for byte.
func TestModelFixturesSurviveARoundTrip(t *testing.T) {
	for _, tc := range modelCases {
		t.Run(tc.file, func(t *testing.T) {
			first := tc.new()
			if err := json.Unmarshal(fixture(t, tc.file), first); err != nil {
				t.Fatal(err)
			}
			b1, err := json.Marshal(first)
			if err != nil {
				t.Fatal(err)
			}
			second := tc.new()
			if err := json.Unmarshal(b1, second); err != nil {
				t.Fatalf("%v in %s", err, b1)
			}
			b2, err := json.Marshal(second)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b1, b2) {
				t.Errorf("round trip changed the value:\n%s\n%s", b1, b2)
			}
			tc.check(t, second)
		})
	}
}

// TestSnowflakesDecodeFromJSONNumbers: ETF-transcoded payloads and a few
// REST echoes carry IDs as integers (PROTOCOL.md §8, §13).
func TestSnowflakesDecodeFromJSONNumbers(t *testing.T) {
	in := []byte(`{"id":1185500000000000901,"channel_id":1182004419300000004,"guild_id":1182004418843037706,
		"author":{"id":1176003112233445566,"username":"mirela","discriminator":"0","global_name":null,"avatar":null},
		"member":{"roles":[1182004420100000010],"joined_at":"2023-11-30T18:05:12.042000+00:00","deaf":false,"mute":false,"flags":0},
		"content":"hi","timestamp":"2024-06-02T08:14:31.608000+00:00","edited_timestamp":null,"tts":false,
		"mention_everyone":false,"mentions":[{"id":1175432209876543210,"username":"quillon","discriminator":"0","global_name":null,"avatar":null,
		"member":{"roles":[],"joined_at":"2016-01-01T00:00:00+00:00","deaf":false,"mute":false,"flags":0}}],
		"mention_roles":[1182004420100000010],"attachments":[],"embeds":[],"pinned":false,"type":0,"nonce":1234567890,"channel_type":0}`)
	var m MessageCreate
	if err := json.Unmarshal(in, &m); err != nil {
		t.Fatal(err)
	}
	if m.ID != 1185500000000000901 || m.ChannelID != 1182004419300000004 || m.GuildID != 1182004418843037706 || m.Author.ID != 1176003112233445566 {
		t.Errorf("ids: %+v", m)
	}
	if len(m.MentionRoles) != 1 || m.MentionRoles[0] != 1182004420100000010 || m.Member == nil || m.Member.Roles[0] != 1182004420100000010 {
		t.Errorf("role ids: %v %+v", m.MentionRoles, m.Member)
	}
	if len(m.Mentions) != 1 || m.Mentions[0].Member == nil || m.Mentions[0].Member.JoinedAt.Year() != 2016 {
		t.Errorf("mention with partial member: %+v", m.Mentions)
	}
	if m.Nonce != "1234567890" || m.ChannelType == nil || *m.ChannelType != ChannelTypeGuildText {
		t.Errorf("nonce %q, channel type %v", m.Nonce, m.ChannelType)
	}
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"id":"1185500000000000901"`, `"guild_id":"1182004418843037706"`, `"mention_roles":["1182004420100000010"]`, `"nonce":"1234567890"`} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("encoded message lacks %s: %s", want, out)
		}
	}
}

func TestNullableFieldsEncodeAsNull(t *testing.T) {
	for _, tc := range []struct {
		name string
		v    any
		want []string
	}{
		{"user global_name and avatar", User{ID: 1, Username: "a", Discriminator: "0"}, []string{`"global_name":null`, `"avatar":null`}},
		{"message edited_timestamp", Message{ID: 1}, []string{`"edited_timestamp":null`}},
		{"voice state channel_id", VoiceState{UserID: 1}, []string{`"channel_id":null`, `"request_to_speak_timestamp":null`}},
		{"standard emoji id", Emoji{Name: "🔥"}, []string{`"id":null`, `"name":"🔥"`}},
		{"guild afk_channel_id", Guild{ID: 1}, []string{`"afk_channel_id":null`, `"application_id":null`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := json.Marshal(tc.v)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !bytes.Contains(b, []byte(w)) {
					t.Errorf("%s lacks %s", b, w)
				}
			}
		})
	}
}

func TestOptionalFieldsAreLeftOut(t *testing.T) {
	for _, tc := range []struct {
		name   string
		v      any
		absent []string
	}{
		{"channel of a DM", Channel{ID: 1, Type: ChannelTypeDM}, []string{`"guild_id"`, `"name"`, `"parent_id"`, `"thread_metadata"`, `"permissions"`}},
		{"member without user", Member{Roles: []RoleID{}}, []string{`"user"`, `"nick"`, `"premium_since"`, `"joined_at"`}},
		{"message without reference", Message{ID: 1}, []string{`"message_reference"`, `"poll"`, `"nonce"`, `"webhook_id"`}},
		{"empty message send", MessageSend{}, []string{`"content"`, `"nonce"`, `"tts"`, `"embeds"`, `"allowed_mentions"`, `"flags"`, `"sticker_ids"`, `"components"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := json.Marshal(tc.v)
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range tc.absent {
				if bytes.Contains(b, []byte(a)) {
					t.Errorf("%s has %s", b, a)
				}
			}
		})
	}
}

func TestAllowedMentionsKeepEmptyListsAndDropNilOnes(t *testing.T) {
	for _, tc := range []struct {
		name string
		am   AllowedMentions
		want string
	}{
		{"suppress every mention", AllowedMentions{Parse: []AllowedMentionType{}}, `{"parse":[]}`},
		{"nothing set", AllowedMentions{}, `{}`},
		{"only listed users", AllowedMentions{Users: []UserID{123, 456}}, `{"users":["123","456"]}`},
		{"replied user", AllowedMentions{Parse: []AllowedMentionType{AllowedMentionUsers}, RepliedUser: true}, `{"parse":["users"],"replied_user":true}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := json.Marshal(tc.am)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tc.want {
				t.Errorf("got %s, want %s", b, tc.want)
			}
		})
	}
}

func TestRoleTagFlagsArePresentAsNull(t *testing.T) {
	var r Role
	in := `{"id":"1","name":"Booster","permissions":"0","colors":{"primary_color":0,"secondary_color":null,"tertiary_color":null},
		"tags":{"premium_subscriber":null,"integration_id":"5"}}`
	if err := json.Unmarshal([]byte(in), &r); err != nil {
		t.Fatal(err)
	}
	if r.Tags == nil || !r.Tags.PremiumSubscriber || r.Tags.AvailableForPurchase || r.Tags.IntegrationID != 5 {
		t.Fatalf("tags %+v", r.Tags)
	}
	b, err := json.Marshal(r.Tags)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"integration_id":"5","premium_subscriber":null}` {
		t.Errorf("tags encode as %s", b)
	}
}

func TestNonceAcceptsStringsAndIntegers(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Nonce
		ok   bool
	}{
		{`"abc"`, "abc", true},
		{`123456789012345678`, "123456789012345678", true},
		{`null`, "", true},
		{`1.5`, "", false},
		{`{}`, "", false},
	} {
		var n Nonce
		err := json.Unmarshal([]byte(tc.in), &n)
		if (err == nil) != tc.ok || n != tc.want {
			t.Errorf("%s: got %q, %v", tc.in, n, err)
		}
	}
}

func TestComponentKeepsItsJSONAndReadsItsType(t *testing.T) {
	in := `[{"type":1,"components":[{"type":2,"style":1,"label":"Reserve a bench","custom_id":"reserve_bench"}]}]`
	var cs []Component
	if err := json.Unmarshal([]byte(in), &cs); err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 || cs[0].Type() != ComponentActionRow || cs[0].Type().String() != "ACTION_ROW" {
		t.Fatalf("components %s", cs)
	}
	var row struct {
		Components []Component `json:"components"`
	}
	if err := cs[0].Decode(&row); err != nil || len(row.Components) != 1 || row.Components[0].Type() != ComponentButton {
		t.Fatalf("row %+v, %v", row, err)
	}
	out, err := json.Marshal(cs)
	if err != nil || string(out) != in {
		t.Errorf("re-encoded as %s, %v", out, err)
	}
	btn, err := NewComponent(map[string]any{"type": ComponentButton, "custom_id": "x", "style": 1})
	if err != nil || btn.Type() != ComponentButton {
		t.Errorf("NewComponent: %s, %v", btn, err)
	}
	if Component(nil).Type() != 0 || ComponentType(99).String() != "COMPONENT_99" {
		t.Error("an empty or unknown component")
	}
}

func TestInteractionResponseEncodesAsDocumented(t *testing.T) {
	for _, tc := range []struct {
		name string
		r    InteractionResponse
		want string
	}{
		{"message", InteractionResponse{Type: InteractionResponseChannelMessageWithSource, Data: &InteractionResponseData{Content: "Kiln 2 is heating up."}},
			`{"type":4,"data":{"content":"Kiln 2 is heating up."}}`},
		{"ephemeral deferral", InteractionResponse{Type: InteractionResponseDeferredChannelMessageWithSource, Data: &InteractionResponseData{Flags: MessageFlagEphemeral}},
			`{"type":5,"data":{"flags":64}}`},
		{"pong", InteractionResponse{Type: InteractionResponsePong}, `{"type":1}`},
		{"autocomplete", InteractionResponse{Type: InteractionResponseApplicationCommandAutocompleteResult, Data: &InteractionResponseData{
			Choices: []ApplicationCommandOptionChoice{{Name: "one", Value: 1}}}}, `{"type":8,"data":{"choices":[{"name":"one","value":1}]}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := json.Marshal(tc.r)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tc.want {
				t.Errorf("got %s, want %s", b, tc.want)
			}
		})
	}
}
