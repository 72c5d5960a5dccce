package rest

import (
	"context"

	"github.com/wirecord/wirecord/discord"
)

// GatewayBot is discord.GatewayBot, the answer of GetBotGateway; the alias
// keeps code written against the hand-written method compiling.
type GatewayBot = discord.GatewayBot

// SessionStartLimit is discord.SessionStartLimit.
type SessionStartLimit = discord.SessionStartLimit

// SendMessage posts a plain text message (CreateMessage with only
// content).
func (c *Client) SendMessage(ctx context.Context, channel discord.ChannelID, content string) (*discord.Message, error) {
	return c.CreateMessage(ctx, channel, discord.MessageSend{Content: content}, CreateMessageOptions{})
}
