package discord

// Emoji is a custom or standard (Unicode) emoji
// (developers/resources/emoji.mdx). A standard emoji has a zero ID and its
// character in Name. In reaction events Name can be empty (Discord sends
// null) when a custom emoji was deleted.
type Emoji struct {
	ID            EmojiID  `json:"id"`
	Name          string   `json:"name"`
	Roles         []RoleID `json:"roles,omitempty"`
	User          *User    `json:"user,omitempty"`
	RequireColons bool     `json:"require_colons,omitempty"`
	Managed       bool     `json:"managed,omitempty"`
	Animated      bool     `json:"animated,omitempty"`
	Available     bool     `json:"available,omitempty"`
}

// IsCustom reports whether e is a custom emoji (it has an ID).
func (e *Emoji) IsCustom() bool { return e.ID != 0 }

// APIName is the form the reaction REST routes take, before URL escaping:
// "name:id" for a custom emoji and the character itself for a standard one.
func (e *Emoji) APIName() string {
	if e.ID == 0 {
		return e.Name
	}
	return e.Name + ":" + e.ID.String()
}

// Mention is the message markup that shows the emoji: "<:name:id>",
// "<a:name:id>" when animated, or the character of a standard emoji.
func (e *Emoji) Mention() string {
	if e.ID == 0 {
		return e.Name
	}
	prefix := "<:"
	if e.Animated {
		prefix = "<a:"
	}
	return prefix + e.Name + ":" + e.ID.String() + ">"
}
