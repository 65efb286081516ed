// Package upload takes files in from outside — an HTTP upload, an archive named on the command
// line — within size limits, into a temporary folder of Goldset's own.
//
// Nothing is trusted before it is counted: an upload and every archive entry are streamed to disk
// through readers that count bytes and fail, naming the limit, as soon as one is passed. A zip's
// declared sizes (APPNOTE 4.4.9) refuse an archive early when they are already too large, but the
// bytes that actually come out are what decide.
//
// Every upload gets a folder under Root, locked (flock) for as long as it is in use; Clean, called
// when a Goldset process starts, removes the folders no live process holds, so a crash never leaves
// uploads behind for long. Errors name files as their owner named them, never by their path here.
package upload
