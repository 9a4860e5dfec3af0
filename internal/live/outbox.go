package live

import "sync"

// maxPendingReplies bounds the error and probe replies waiting to be
// written. A client that makes the server produce more than that before it
// reads them loses the oldest; the session goes on.
const maxPendingReplies = 32

// outbox holds what a session has to send until its writer takes it. The
// state, the metrics and the frame are kept newest-first: a new state or
// frame replaces one that was not written yet, and metrics of the same
// epoch are merged. Only replies queue, and at most maxPendingReplies of
// them. So a slow client gets fewer frames, never a growing queue.
type outbox struct {
	// wake gets a token when something is pending; freed gets one when the
	// writer takes the pending frame. Both have capacity 1.
	wake, freed chan struct{}

	mu sync.Mutex // guards the fields below
	// state is the newest state message not yet taken, or nil.
	state []byte
	// metrics is the metrics message not yet taken, or nil.
	metrics *metricsMsg
	// replies are error and probe messages, oldest first.
	replies [][]byte
	// frame is the newest frame not yet taken, or nil; spare is a buffer
	// the writer gave back, for the next frame.
	frame, spare []byte
}

func newOutbox() *outbox {
	return &outbox{wake: make(chan struct{}, 1), freed: make(chan struct{}, 1)}
}

// signal puts a token in c unless it has one.
func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// putState replaces the pending state message.
func (o *outbox) putState(msg []byte) {
	o.mu.Lock()
	o.state = msg
	o.mu.Unlock()
	signal(o.wake)
}

// putMetrics adds the metrics of iterations m.From… of epoch m.Epoch: they
// extend pending metrics of the same epoch that end where they start, and
// replace any others.
func (o *outbox) putMetrics(m *metricsMsg) {
	o.mu.Lock()
	if p := o.metrics; p != nil && p.Epoch == m.Epoch && p.From+len(p.Loss) == m.From {
		p.Loss = append(p.Loss, m.Loss...)
		p.DeltaMin = append(p.DeltaMin, m.DeltaMin...)
		p.MinAngleDeg = append(p.MinAngleDeg, m.MinAngleDeg...)
	} else {
		o.metrics = m
	}
	o.mu.Unlock()
	signal(o.wake)
}

// putReply queues an error or probe reply, dropping the oldest one when
// the queue is full.
func (o *outbox) putReply(msg []byte) {
	o.mu.Lock()
	if len(o.replies) >= maxPendingReplies {
		o.replies = append(o.replies[:0], o.replies[1:]...)
	}
	o.replies = append(o.replies, msg)
	o.mu.Unlock()
	signal(o.wake)
}

// frameSlotFree reports whether no frame is pending, so a new one would
// not replace one the client has not seen.
func (o *outbox) frameSlotFree() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.frame == nil
}

// takeSpare returns a buffer for the next frame (possibly nil).
func (o *outbox) takeSpare() []byte {
	o.mu.Lock()
	defer o.mu.Unlock()
	b := o.spare
	o.spare = nil
	return b
}

// putFrame makes frame the pending frame. The caller gives up frame.
func (o *outbox) putFrame(frame []byte) {
	o.mu.Lock()
	if o.frame != nil && o.spare == nil {
		o.spare = o.frame[:0]
	}
	o.frame = frame
	o.mu.Unlock()
	signal(o.wake)
}

// batch is what the writer takes at once, in the order it writes it.
type batch struct {
	replies [][]byte // first: they answer messages the state below acknowledges
	state   []byte
	metrics *metricsMsg
	frame   []byte
}

// take removes everything pending. It signals freed when it takes a frame.
func (o *outbox) take() (b batch, ok bool) {
	o.mu.Lock()
	b = batch{state: o.state, metrics: o.metrics, replies: o.replies, frame: o.frame}
	o.state, o.metrics, o.replies, o.frame = nil, nil, nil, nil
	o.mu.Unlock()
	if b.frame != nil {
		signal(o.freed)
	}
	return b, b.state != nil || b.metrics != nil || len(b.replies) > 0 || b.frame != nil
}

// giveBack returns a written frame's buffer for reuse.
func (o *outbox) giveBack(frame []byte) {
	o.mu.Lock()
	if o.spare == nil {
		o.spare = frame[:0]
	}
	o.mu.Unlock()
}
