// The suite runs silos, gateways and Redis as processes on a 2-core machine; running classes side by side would make
// their timings (and the kill tests' failure detection) depend on each other. One class at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
