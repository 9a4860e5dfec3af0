package sim

// A Task is work split into independent chunks: RunChunk(i) does chunk i,
// and calls for different i may run concurrently. It is an alias of an
// unnamed interface, so that a Runner can be written without importing sim
// (workpool.Runner is one).
type Task = interface {
	RunChunk(i int)
}

// A Runner runs task.RunChunk(i) for every i in [0, n), possibly
// concurrently, and returns when all calls have returned. It may stop early
// with an error (for example when its context is cancelled); the work is
// then incomplete.
type Runner interface {
	Run(n int, task Task) error
}

// Serial runs the chunks one after the other on the calling goroutine.
type Serial struct{}

// Run implements Runner.
func (Serial) Run(n int, task Task) error {
	for i := range n {
		task.RunChunk(i)
	}
	return nil
}
