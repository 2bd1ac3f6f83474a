package vmplane

// WaitMachineChanges waits until the core has recorded every machine change
// its driver reported so far, so that a test can look at the outcome
// instead of polling for it.
func (s *Service) WaitMachineChanges() { s.watching.Wait() }
