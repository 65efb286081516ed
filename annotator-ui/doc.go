// Package annotatorui embeds the built web UI (annotator-ui/dist) so the goldset binary is the whole product.
//
// dist/ holds only .gitkeep in a fresh clone, so Go builds and tests work without Node; `make ui` fills it.
package annotatorui
