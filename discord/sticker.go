package discord

// Sticker is a sticker that can be sent in messages
// (developers/resources/sticker.mdx).
type Sticker struct {
	ID          StickerID         `json:"id"`
	PackID      StickerPackID     `json:"pack_id,omitempty"`
	Name        string            `json:"name"`
	Description *string           `json:"description"`
	Tags        string            `json:"tags"`
	Type        StickerType       `json:"type"`
	FormatType  StickerFormatType `json:"format_type"`
	Available   bool              `json:"available,omitempty"`
	GuildID     GuildID           `json:"guild_id,omitempty"`
	User        *User             `json:"user,omitempty"`
	SortValue   int               `json:"sort_value,omitempty"`
}

// StickerItem is the smallest amount of data needed to render a sticker,
// as carried by messages.
type StickerItem struct {
	ID         StickerID         `json:"id"`
	Name       string            `json:"name"`
	FormatType StickerFormatType `json:"format_type"`
}

// StickerType says where a sticker comes from.
type StickerType int

// Sticker types.
const (
	StickerTypeStandard StickerType = 1 // an official sticker in a pack
	StickerTypeGuild    StickerType = 2 // uploaded to a guild
)

// StickerFormatType is a sticker's image format.
type StickerFormatType int

// Sticker format types.
const (
	StickerFormatPNG    StickerFormatType = 1
	StickerFormatAPNG   StickerFormatType = 2
	StickerFormatLottie StickerFormatType = 3
	StickerFormatGIF    StickerFormatType = 4
)
