//go:build race

package main

// raceDetector: disgo v0.18.15 races with itself (gatewayImpl.heartbeat
// writes heartbeatCancel while Close reads it), which the race detector
// reports as a failure of whichever test closed it.
const raceDetector = true
