package discordtest_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/wirecord/wirecord/discordtest"
)

// A bad payload meets Discord's own answer in a test, before it meets
// Discord: every operation of Discord's spec is checked against its
// schema, here an embed title over 256 characters.
func Example_invalidFormBody() {
	srv := discordtest.NewServer(discordtest.WithGuilds(1, 1))
	defer srv.Close()
	channel := srv.Channels(srv.Guilds()[0].ID)[0].ID
	body := `{"embeds": [{"title": "` + strings.Repeat("x", 257) + `"}]}`
	req, _ := http.NewRequest("POST", srv.APIURL+"/channels/"+channel.String()+"/messages", strings.NewReader(body))
	req.Header.Set("Authorization", "Bot "+srv.Token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode)
	fmt.Print(string(answer))
	// Output:
	// 400
	// {"code":50035,"errors":{"embeds":{"0":{"title":{"_errors":[{"code":"BASE_TYPE_MAX_LENGTH","message":"Must be 256 or fewer in length."}]}}}},"message":"Invalid Form Body"}
}
