// Package interop shows that client libraries written by others connect
// to wirecord's fake Discord (package discordtest) unchanged, pointed at
// its URLs. It is its own module so that wirecord itself gains no
// dependency on them.
package interop
