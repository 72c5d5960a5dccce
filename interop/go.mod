module github.com/wirecord/wirecord/interop

go 1.26

replace github.com/wirecord/wirecord => ../

require (
	github.com/bwmarrin/discordgo v0.29.0
	github.com/wirecord/wirecord v0.0.0-00010101000000-000000000000
)

require (
	github.com/gorilla/websocket v1.4.2 // indirect
	github.com/klauspost/compress v1.20.3 // indirect
	golang.org/x/crypto v0.0.0-20210421170649-83a5a9bb288b // indirect
	golang.org/x/sys v0.0.0-20211110154304-99a53858aa08 // indirect
)
