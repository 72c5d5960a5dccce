module github.com/wirecord/wirecord/benchmarks

go 1.26

replace github.com/wirecord/wirecord => ../

require (
	github.com/bwmarrin/discordgo v0.28.1
	github.com/disgoorg/disgo v0.18.15
	github.com/wirecord/wirecord v0.0.0-00010101000000-000000000000
)

require (
	github.com/disgoorg/json v1.2.0 // indirect
	github.com/disgoorg/snowflake/v2 v2.0.3 // indirect
	github.com/gorilla/websocket v1.5.3 // indirect
	github.com/klauspost/compress v1.20.3 // indirect
	github.com/sasha-s/go-csync v0.0.0-20240107134140-fcbab37b09ad // indirect
	golang.org/x/crypto v0.31.0 // indirect
	golang.org/x/sys v0.28.0 // indirect
)
