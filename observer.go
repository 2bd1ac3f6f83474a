package vmplane

// Observer hears about operations, for metrics. Its methods must not block.
type Observer interface {
	// OperationStarted is called when an operation is accepted, and for every
	// operation still running when the core starts.
	OperationStarted(op *Operation)
	// OperationFinished is called once an operation has succeeded or failed.
	OperationFinished(op *Operation)
}

type nopObserver struct{}

func (nopObserver) OperationStarted(*Operation)  {}
func (nopObserver) OperationFinished(*Operation) {}
