package discord

import "time"

// Poll is a poll attached to a message (developers/resources/poll.mdx).
// Results may be missing, which means "unknown", not "no votes".
type Poll struct {
	Question         PollMedia      `json:"question"`
	Answers          []PollAnswer   `json:"answers"`
	Expiry           *time.Time     `json:"expiry"`
	AllowMultiselect bool           `json:"allow_multiselect"`
	LayoutType       PollLayoutType `json:"layout_type"`
	Results          *PollResults   `json:"results,omitempty"`
}

// PollCreate is the poll of a create-message request. Duration is in
// hours (up to 32 days; Discord defaults to 24).
type PollCreate struct {
	Question         PollMedia      `json:"question"`
	Answers          []PollAnswer   `json:"answers"`
	Duration         int            `json:"duration,omitempty"`
	AllowMultiselect bool           `json:"allow_multiselect,omitempty"`
	LayoutType       PollLayoutType `json:"layout_type,omitempty"`
}

// PollLayoutType is the layout of a poll; only the default exists.
type PollLayoutType int

// PollLayoutDefault is the default poll layout.
const PollLayoutDefault PollLayoutType = 1

// PollMedia is the text and emoji of a question or answer. Questions only
// support text.
type PollMedia struct {
	Text  string `json:"text,omitempty"`
	Emoji *Emoji `json:"emoji,omitempty"`
}

// PollAnswer is one answer of a poll. AnswerID is set by Discord.
type PollAnswer struct {
	AnswerID  int       `json:"answer_id,omitempty"`
	PollMedia PollMedia `json:"poll_media"`
}

// PollResults are the vote counts of a poll.
type PollResults struct {
	IsFinalized  bool              `json:"is_finalized"`
	AnswerCounts []PollAnswerCount `json:"answer_counts"`
}

// PollAnswerCount is the vote count of one answer; an answer without an
// entry has no votes.
type PollAnswerCount struct {
	ID      int  `json:"id"` // the answer's AnswerID
	Count   int  `json:"count"`
	MeVoted bool `json:"me_voted"`
}
