package discordtest

import "time"

// SetGuildCreateDelay makes a new session's GUILD_CREATEs come d after its
// READY, as a real Discord's do (seconds, for a large shard). Events of the
// session's guilds wait until they are out.
func (s *Server) SetGuildCreateDelay(d time.Duration) {
	s.mu.Lock()
	s.guildCreateDelay = d
	s.mu.Unlock()
}
