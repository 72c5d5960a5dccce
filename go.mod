module github.com/wirecord/wirecord

go 1.26

require (
	github.com/coder/websocket v1.8.15
	github.com/klauspost/compress v1.20.3
)

require (
	github.com/segmentio/asm v1.1.3 // indirect
	github.com/segmentio/encoding v0.4.1 // indirect
	golang.org/x/sys v0.0.0-20211110154304-99a53858aa08 // indirect
)
