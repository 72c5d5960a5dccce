package discord_test

import (
	"encoding/json"
	"fmt"

	"github.com/wirecord/wirecord/discord"
)

// Decode a dispatch into its typed event by name.
func ExampleNewEvent() {
	name, data := "MESSAGE_CREATE", []byte(`{"id":"1","channel_id":"2","guild_id":"3",
		"author":{"id":"4","username":"quillon","discriminator":"0","global_name":null,"avatar":null},
		"content":"ping","timestamp":"2021-01-01T00:00:00+00:00","edited_timestamp":null,"tts":false,
		"mention_everyone":false,"mentions":[],"mention_roles":[],"attachments":[],"embeds":[],"pinned":false,"type":0}`)
	ev, ok := discord.NewEvent(name)
	if !ok {
		return // an event Discord has not documented: keep it raw
	}
	if err := json.Unmarshal(data, ev); err != nil {
		panic(err)
	}
	switch ev := ev.(type) {
	case *discord.MessageCreate:
		fmt.Println(ev.Author.Username, "said", ev.Content, "in guild", ev.GuildID)
	}
	// Output: quillon said ping in guild 3
}

// Commands print without their token; only the wire encoding has it.
func ExampleIdentify() {
	id := discord.Identify{
		Token:      discord.NewToken("MTIz.not-a-real-token"),
		Properties: discord.IdentifyProperties{OS: "linux", Browser: "wirecord", Device: "wirecord"},
		Intents:    discord.IntentGuilds | discord.IntentGuildMessages,
	}
	fmt.Println(id)
	// Output: Identify{Token:[redacted] Properties:{OS:linux Browser:wirecord Device:wirecord} Compress:false LargeThreshold:0 Shard:none Presence:<nil> Intents:GUILDS|GUILD_MESSAGES}
}

func ExampleRequestGuildMembers_Validate() {
	all := ""
	req := discord.RequestGuildMembers{GuildID: 1182004418843037706, Query: &all, Limit: 0, Nonce: "chunk-1"}
	fmt.Println(req.Validate())
	req.UserIDs = []discord.UserID{1175432209876543210}
	fmt.Println(req.Validate())
	// Output:
	// <nil>
	// discord: invalid command: request guild members takes a query or user_ids, not both
}

func ExamplePermissions() {
	p, _ := discord.ParsePermissions("VIEW_CHANNEL|SEND_MESSAGES")
	b, _ := json.Marshal(p)
	fmt.Println(p, string(b), p.Has(discord.PermissionSendMessages))
	// Output: VIEW_CHANNEL|SEND_MESSAGES "3072" true
}
