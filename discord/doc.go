// Package discord holds Discord's data: snowflakes and typed IDs, intents,
// gateway opcodes, the close-code table, typed models, gateway commands and
// typed dispatch events. It does no I/O; every other wirecord package builds
// on it.
//
// # Events are decoded lazily
//
// A dispatch (op 0) arrives as a name and raw JSON. The shard layer keeps
// the raw bytes and decodes them only when someone listens to that name:
// NewEvent returns a pointer to the zero value registered for the name,
// ready for json.Unmarshal. An event nobody listens to is never decoded,
// so a bot pays only for what it reads. That is why event types are plain
// structs with no behaviour: decoding is encoding/json's job, and there is
// nothing to run when an event is skipped.
//
// The models follow Discord's documentation (discord/discord-api-docs),
// which wins over the preview OpenAPI spec where they differ. A nullable
// snowflake is the zero ID (0 is null on the wire); other nullable fields
// are pointers where null means something other than empty; optional
// fields are omitted when zero. Snowflakes decode from JSON strings and
// numbers alike, as ETF-transcoded payloads carry both.
//
// Models the hand-written files do not cover (Webhook, ApplicationCommand,
// AuditLog, VoiceRegion...) are generated from the spec into
// models_gen.go. Request bodies that must tell a field left out from a
// field cleared use Optional (absent or a value) and Nullable (absent,
// null or a value).
package discord

// models_gen.go holds the models the spec has and no hand-written type
// covers; internal/apigen writes it (see its doc for why the hand-written
// types are the models).
//go:generate go run ../internal/apigen -spec ../../shared/discord-api-spec/openapi.json -root .. -only discord
