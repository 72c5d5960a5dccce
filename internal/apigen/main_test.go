package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

const testSpec = "../../../shared/discord-api-spec/openapi.json"

// TestCommittedOutputIsCurrent regenerates everything and compares it
// with the committed files: a change to the spec, the overlay or a
// hand-written model must come with `go generate ./discord ./rest`.
func TestCommittedOutputIsCurrent(t *testing.T) {
	if _, err := os.Stat(testSpec); err != nil {
		t.Skipf("Discord's spec is not at %s (CI clones discord-api-spec into shared/ beside the repo): %v", testSpec, err)
	}
	files, err := generate(testSpec, "../..")
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{modelsPath, paramsPath, opsPath} {
		have, err := os.ReadFile(filepath.Join("../..", path))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(have, files[path]) {
			t.Errorf("%s is stale: run go generate ./discord ./rest", path)
		}
	}
}

// TestEveryOperationHasAMethod counts the methods: the spec has 242
// operations and each gets one, named from its operationId.
func TestEveryOperationHasAMethod(t *testing.T) {
	if _, err := os.Stat(testSpec); err != nil {
		t.Skipf("Discord's spec is not at %s: %v", testSpec, err)
	}
	s, ops, err := loadSpec(testSpec)
	if err != nil {
		t.Fatal(err)
	}
	hw, err := readHandwritten("../../discord")
	if err != nil {
		t.Fatal(err)
	}
	ms := newGen(s, ops, hw).methods()
	names := map[string]bool{}
	for _, m := range ms {
		names[m.name] = true
	}
	if len(ops) != 242 || len(names) != len(ops) {
		t.Errorf("%d operations, %d distinct method names; want 242 of each", len(ops), len(names))
	}
	for id, want := range map[string]string{"create_message": "CreateMessage", "create_dm": "CreateDM",
		"get_bot_gateway": "GetBotGateway", "get_guild_widget_png": "GetGuildWidgetPNG"} {
		if got := opName(id); got != want {
			t.Errorf("opName(%q) = %q, want %q", id, got, want)
		}
	}
}

// TestAMissingFieldFailsTheGenerator pins the rule that a mapped schema's
// property must exist in the hand-written type or be omitted with a
// reason.
func TestAMissingFieldFailsTheGenerator(t *testing.T) {
	if _, err := os.Stat(testSpec); err != nil {
		t.Skipf("Discord's spec is not at %s: %v", testSpec, err)
	}
	s, ops, err := loadSpec(testSpec)
	if err != nil {
		t.Fatal(err)
	}
	hw, err := readHandwritten("../../discord")
	if err != nil {
		t.Fatal(err)
	}
	user := s.Components.Schemas.m["UserResponse"]
	user.Properties.keys = append(user.Properties.keys, "not_in_discord_user")
	user.Properties.m["not_in_discord_user"] = &schema{Type: typeList{"string"}}
	g := newGen(s, ops, hw)
	g.methods()
	g.finalize()
	g.checkHandwritten()
	found := false
	for _, e := range g.errs {
		found = found || bytes.Contains([]byte(e), []byte("discord.User has no field for UserResponse.not_in_discord_user"))
	}
	if !found {
		t.Errorf("no error for a property discord.User lacks; errors: %q", g.errs)
	}
}
