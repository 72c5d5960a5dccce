// Package discord holds Discord's data: snowflakes and typed IDs, intents,
// gateway opcodes, the close-code table, typed models, gateway commands and
// typed dispatch events. It does no I/O; every other wirecord package builds
// on it.
package discord
