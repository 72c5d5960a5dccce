package benchload

import "testing"

// Each ratio is taken within a round: a machine twice as slow in one round
// slows floor-decode and the client alike, and the median of the paired
// ratios sees through it where a ratio of medians would not.
func TestRatiosArePairedWithinRounds(t *testing.T) {
	floor := []Result{{Client: FloorDecode.Name, CPUMicrosPerEvent: 10}, {Client: FloorDecode.Name, CPUMicrosPerEvent: 20}, {Client: FloorDecode.Name, CPUMicrosPerEvent: 11}}
	client := []Result{{Client: "c", CPUMicrosPerEvent: 5}, {Client: "c", CPUMicrosPerEvent: 10}, {Client: "c", CPUMicrosPerEvent: 12}}
	got := medianRounds([][]Result{floor, client})
	if len(got) != 2 {
		t.Fatalf("%d results, want 2", len(got))
	}
	if got[0].VsFloorDecode != 1 {
		t.Errorf("floor-decode's ratio %v, want 1", got[0].VsFloorDecode)
	}
	// Ratios 0.5, 0.5, 1.09: median 0.5. (Medians 11 and 10 would say 0.91.)
	if got[1].VsFloorDecode != 0.5 {
		t.Errorf("the client's ratio %v, want 0.5 (the median of its ratios within rounds)", got[1].VsFloorDecode)
	}
	if got[1].CPUMicrosPerEvent != 10 {
		t.Errorf("the client's row is the round of %v µs, want its median round (10)", got[1].CPUMicrosPerEvent)
	}
}

// A failed round is reported, never hidden behind a median.
func TestAFailedRoundIsReported(t *testing.T) {
	floor := []Result{{Client: FloorDecode.Name, CPUMicrosPerEvent: 10}, {Client: FloorDecode.Name, CPUMicrosPerEvent: 10}}
	client := []Result{{Client: "c", CPUMicrosPerEvent: 5}, {Client: "c", Err: "timed out"}}
	got := medianRounds([][]Result{floor, client})
	if got[1].Err != "timed out" {
		t.Errorf("the client's row %+v, want its failed round", got[1])
	}
}
