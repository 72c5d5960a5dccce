package discord

import "time"

// Embed is rich content attached to a message
// (developers/resources/message.mdx, Embed Object). When sending, Type,
// Provider, Video and the size and proxy fields of images are ignored.
type Embed struct {
	Title       string         `json:"title,omitempty"`
	Type        EmbedType      `json:"type,omitempty"`
	Description string         `json:"description,omitempty"`
	URL         string         `json:"url,omitempty"`
	Timestamp   *time.Time     `json:"timestamp,omitempty"`
	Color       int            `json:"color,omitempty"`
	Footer      *EmbedFooter   `json:"footer,omitempty"`
	Image       *EmbedImage    `json:"image,omitempty"`
	Thumbnail   *EmbedImage    `json:"thumbnail,omitempty"`
	Video       *EmbedVideo    `json:"video,omitempty"`
	Provider    *EmbedProvider `json:"provider,omitempty"`
	Author      *EmbedAuthor   `json:"author,omitempty"`
	Fields      []EmbedField   `json:"fields,omitempty"`
	Flags       EmbedFlags     `json:"flags,omitempty"`
	Components  []Component    `json:"components,omitempty"` // containers, in some embeds Discord generates
}

// Embed limits, in characters (developers/resources/message.mdx, Embed
// Limits). The text of all embeds of one message together may not exceed
// EmbedMaxTotal.
const (
	EmbedMaxTitle       = 256
	EmbedMaxDescription = 4096
	EmbedMaxFields      = 25
	EmbedMaxFieldName   = 256
	EmbedMaxFieldValue  = 1024
	EmbedMaxFooterText  = 2048
	EmbedMaxAuthorName  = 256
	EmbedMaxTotal       = 6000
)

// EmbedType is the kind of an embed. Discord may add types.
type EmbedType string

// Embed types.
const (
	EmbedTypeRich       EmbedType = "rich"
	EmbedTypeImage      EmbedType = "image"
	EmbedTypeVideo      EmbedType = "video"
	EmbedTypeGIFV       EmbedType = "gifv"
	EmbedTypeArticle    EmbedType = "article"
	EmbedTypeLink       EmbedType = "link"
	EmbedTypePollResult EmbedType = "poll_result"
)

// EmbedFlags are embed flags.
type EmbedFlags uint64

// EmbedFlagIsContentInventoryEntry marks an embed that is the fallback
// for a reply to an activity card.
const EmbedFlagIsContentInventoryEntry EmbedFlags = 1 << 5

// EmbedMediaFlags are flags on embed images and videos.
type EmbedMediaFlags uint64

// EmbedMediaFlagIsAnimated marks an animated image.
const EmbedMediaFlagIsAnimated EmbedMediaFlags = 1 << 5

// EmbedFooter is the footer of an embed.
type EmbedFooter struct {
	Text         string `json:"text"`
	IconURL      string `json:"icon_url,omitempty"`
	ProxyIconURL string `json:"proxy_icon_url,omitempty"`
}

// EmbedImage is the image or thumbnail of an embed.
type EmbedImage struct {
	URL                string          `json:"url"`
	ProxyURL           string          `json:"proxy_url,omitempty"`
	Height             int             `json:"height,omitempty"`
	Width              int             `json:"width,omitempty"`
	ContentType        string          `json:"content_type,omitempty"`
	Placeholder        string          `json:"placeholder,omitempty"`
	PlaceholderVersion int             `json:"placeholder_version,omitempty"`
	Description        string          `json:"description,omitempty"`
	Flags              EmbedMediaFlags `json:"flags,omitempty"`
	IsAnimated         bool            `json:"is_animated,omitempty"`
}

// EmbedVideo is the video of an embed.
type EmbedVideo struct {
	URL                string          `json:"url,omitempty"`
	ProxyURL           string          `json:"proxy_url,omitempty"`
	Height             int             `json:"height,omitempty"`
	Width              int             `json:"width,omitempty"`
	ContentType        string          `json:"content_type,omitempty"`
	Placeholder        string          `json:"placeholder,omitempty"`
	PlaceholderVersion int             `json:"placeholder_version,omitempty"`
	Description        string          `json:"description,omitempty"`
	Flags              EmbedMediaFlags `json:"flags,omitempty"`
	IsAnimated         bool            `json:"is_animated,omitempty"`
}

// EmbedProvider is the provider of an embed.
type EmbedProvider struct {
	Name string `json:"name,omitempty"`
	URL  string `json:"url,omitempty"`
}

// EmbedAuthor is the author of an embed.
type EmbedAuthor struct {
	Name         string `json:"name"`
	URL          string `json:"url,omitempty"`
	IconURL      string `json:"icon_url,omitempty"`
	ProxyIconURL string `json:"proxy_icon_url,omitempty"`
}

// EmbedField is one name/value field of an embed.
type EmbedField struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Inline bool   `json:"inline,omitempty"`
}
