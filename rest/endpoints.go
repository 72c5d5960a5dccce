package rest

import (
	"context"
	"time"

	"github.com/wirecord/wirecord/discord"
)

// GatewayBot is the answer of GET /gateway/bot (PROTOCOL.md §1).
type GatewayBot struct {
	URL               string            `json:"url"`
	Shards            int               `json:"shards"`
	SessionStartLimit SessionStartLimit `json:"session_start_limit"`
}

// SessionStartLimit is the daily budget of session starts.
type SessionStartLimit struct {
	Total     int `json:"total"`
	Remaining int `json:"remaining"`
	// ResetAfterMS is milliseconds until the budget resets.
	ResetAfterMS   int64 `json:"reset_after"`
	MaxConcurrency int   `json:"max_concurrency"`
}

// ResetAfter is ResetAfterMS as a duration.
func (l SessionStartLimit) ResetAfter() time.Duration {
	return time.Duration(l.ResetAfterMS) * time.Millisecond
}

// Gateway returns the gateway URL (GET /gateway, no authentication).
func (c *Client) Gateway(ctx context.Context) (string, error) {
	var g struct {
		URL string `json:"url"`
	}
	err := c.Do(ctx, "GET", "/gateway", nil, &g)
	return g.URL, err
}

// GatewayBot returns the gateway URL, the recommended shard count and the
// session start budget (GET /gateway/bot).
func (c *Client) GatewayBot(ctx context.Context) (*GatewayBot, error) {
	var g GatewayBot
	if err := c.Do(ctx, "GET", "/gateway/bot", nil, &g); err != nil {
		return nil, err
	}
	return &g, nil
}

// CurrentUser returns the bot's user (GET /users/@me).
func (c *Client) CurrentUser(ctx context.Context) (*discord.User, error) {
	var u discord.User
	if err := c.Do(ctx, "GET", "/users/@me", nil, &u); err != nil {
		return nil, err
	}
	return &u, nil
}

// Channel returns a channel (GET /channels/{id}).
func (c *Client) Channel(ctx context.Context, id discord.ChannelID) (*discord.Channel, error) {
	var ch discord.Channel
	if err := c.Do(ctx, "GET", "/channels/"+id.String(), nil, &ch); err != nil {
		return nil, err
	}
	return &ch, nil
}

// CreateMessage posts a message (POST /channels/{id}/messages).
func (c *Client) CreateMessage(ctx context.Context, channel discord.ChannelID, msg discord.MessageSend) (*discord.Message, error) {
	var m discord.Message
	if err := c.Do(ctx, "POST", "/channels/"+channel.String()+"/messages", msg, &m); err != nil {
		return nil, err
	}
	return &m, nil
}

// SendMessage posts a plain text message.
func (c *Client) SendMessage(ctx context.Context, channel discord.ChannelID, content string) (*discord.Message, error) {
	return c.CreateMessage(ctx, channel, discord.MessageSend{Content: content})
}

// CreateDM opens (or returns the existing) DM channel with a user
// (POST /users/@me/channels).
func (c *Client) CreateDM(ctx context.Context, user discord.UserID) (*discord.Channel, error) {
	var ch discord.Channel
	body := struct {
		RecipientID discord.UserID `json:"recipient_id"`
	}{user}
	if err := c.Do(ctx, "POST", "/users/@me/channels", body, &ch); err != nil {
		return nil, err
	}
	return &ch, nil
}
