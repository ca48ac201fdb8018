// An empty script: the floor the hostile-archives runs are read against.
