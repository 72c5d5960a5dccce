package discord

// SoundboardSound is a sound of the soundboard
// (developers/resources/soundboard.mdx). Default sounds have no GuildID.
type SoundboardSound struct {
	Name      string  `json:"name"`
	SoundID   SoundID `json:"sound_id"`
	Volume    float64 `json:"volume"` // 0 to 1
	EmojiID   EmojiID `json:"emoji_id"`
	EmojiName *string `json:"emoji_name"`
	GuildID   GuildID `json:"guild_id,omitempty"`
	Available bool    `json:"available"`
	User      *User   `json:"user,omitempty"`
}

// URL is where the sound file can be fetched (MP3 or Ogg).
func (s *SoundboardSound) URL() string {
	return "https://cdn.discordapp.com/soundboard-sounds/" + s.SoundID.String()
}
