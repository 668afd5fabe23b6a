// Placeholder: the election configuration reader is being written.
