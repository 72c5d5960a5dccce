package discord

// Presence is a user's state in a guild, as PRESENCE_UPDATE, GUILD_CREATE
// and GUILD_MEMBERS_CHUNK carry it (developers/events/gateway-events.mdx,
// Presence Update). User may be partial: only its ID is promised.
//
// Discord warns that no field of a presence is required and that their
// types are not validated, so a presence from an unusual client can fail
// to decode; the dispatch then reports the decode error.
type Presence struct {
	User         User         `json:"user"`
	GuildID      GuildID      `json:"guild_id,omitempty"`
	Status       Status       `json:"status"`
	Activities   []Activity   `json:"activities"`
	ClientStatus ClientStatus `json:"client_status"`
}

// Status is a user's online status.
type Status string

// Statuses. A bot may set any of them; others only see online, dnd, idle
// and offline (invisible shows as offline).
const (
	StatusOnline    Status = "online"
	StatusDND       Status = "dnd"
	StatusIdle      Status = "idle"
	StatusInvisible Status = "invisible"
	StatusOffline   Status = "offline"
)

// ClientStatus is a user's status per platform; a platform without an
// active session is empty.
type ClientStatus struct {
	Desktop Status `json:"desktop,omitempty"`
	Mobile  Status `json:"mobile,omitempty"`
	Web     Status `json:"web,omitempty"`
	VR      Status `json:"vr,omitempty"`
}

// Activity is something a user is doing: playing, streaming, a custom
// status (developers/events/gateway-events.mdx, Activity Object). Bots may
// only set Name, Type, URL and State.
type Activity struct {
	Name              string              `json:"name"`
	Type              ActivityType        `json:"type"`
	URL               string              `json:"url,omitempty"`        // stream URL; validated when Type is Streaming
	CreatedAt         int64               `json:"created_at,omitempty"` // Unix milliseconds
	Timestamps        *ActivityTimestamps `json:"timestamps,omitempty"`
	ApplicationID     ApplicationID       `json:"application_id,omitempty"`
	StatusDisplayType *StatusDisplayType  `json:"status_display_type,omitempty"`
	Details           string              `json:"details,omitempty"`
	DetailsURL        string              `json:"details_url,omitempty"`
	State             string              `json:"state,omitempty"` // party status, or the text of a custom status
	StateURL          string              `json:"state_url,omitempty"`
	Emoji             *ActivityEmoji      `json:"emoji,omitempty"`
	Party             *ActivityParty      `json:"party,omitempty"`
	Assets            *ActivityAssets     `json:"assets,omitempty"`
	Secrets           *ActivitySecrets    `json:"secrets,omitempty"`
	Instance          bool                `json:"instance,omitempty"`
	Flags             ActivityFlags       `json:"flags,omitempty"`
	// Buttons are the button labels. Discord sends labels only; sending
	// buttons (objects with label and url) is not open to bots.
	Buttons []string `json:"buttons,omitempty"`
}

// ActivityType is the kind of an activity, which decides how it reads.
type ActivityType int

// Activity types.
const (
	ActivityPlaying   ActivityType = 0 // "Playing {name}"
	ActivityStreaming ActivityType = 1 // "Streaming {details}"; Twitch and YouTube URLs only
	ActivityListening ActivityType = 2 // "Listening to {name}"
	ActivityWatching  ActivityType = 3 // "Watching {name}"
	ActivityCustom    ActivityType = 4 // "{emoji} {state}"
	ActivityCompeting ActivityType = 5 // "Competing in {name}"
)

// StatusDisplayType says which activity field shows in the member list.
type StatusDisplayType int

// Status display types.
const (
	StatusDisplayName    StatusDisplayType = 0
	StatusDisplayState   StatusDisplayType = 1
	StatusDisplayDetails StatusDisplayType = 2
)

// ActivityFlags describe what an activity payload includes.
type ActivityFlags uint64

// Documented activity flags.
const (
	ActivityFlagInstance                 ActivityFlags = 1 << 0
	ActivityFlagJoin                     ActivityFlags = 1 << 1
	ActivityFlagSpectate                 ActivityFlags = 1 << 2
	ActivityFlagJoinRequest              ActivityFlags = 1 << 3
	ActivityFlagSync                     ActivityFlags = 1 << 4
	ActivityFlagPlay                     ActivityFlags = 1 << 5
	ActivityFlagPartyPrivacyFriends      ActivityFlags = 1 << 6
	ActivityFlagPartyPrivacyVoiceChannel ActivityFlags = 1 << 7
	ActivityFlagEmbedded                 ActivityFlags = 1 << 8
)

// ActivityTimestamps are the start and end of an activity, in Unix
// milliseconds.
type ActivityTimestamps struct {
	Start int64 `json:"start,omitempty"`
	End   int64 `json:"end,omitempty"`
}

// ActivityEmoji is the emoji of a custom status.
type ActivityEmoji struct {
	Name     string  `json:"name"`
	ID       EmojiID `json:"id,omitempty"`
	Animated bool    `json:"animated,omitempty"`
}

// ActivityParty is the party of a player.
type ActivityParty struct {
	ID   string  `json:"id,omitempty"`
	Size *[2]int `json:"size,omitempty"` // current size, maximum size
}

// ActivityAssets are the images of a rich presence and their hover texts.
type ActivityAssets struct {
	LargeImage       string `json:"large_image,omitempty"`
	LargeText        string `json:"large_text,omitempty"`
	LargeURL         string `json:"large_url,omitempty"`
	SmallImage       string `json:"small_image,omitempty"`
	SmallText        string `json:"small_text,omitempty"`
	SmallURL         string `json:"small_url,omitempty"`
	InviteCoverImage string `json:"invite_cover_image,omitempty"`
}

// ActivitySecrets are the rich presence secrets for joining and
// spectating.
type ActivitySecrets struct {
	Join     string `json:"join,omitempty"`
	Spectate string `json:"spectate,omitempty"`
	Match    string `json:"match,omitempty"`
}
