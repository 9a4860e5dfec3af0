package api

import (
	"fmt"
	"net/http"

	"hoplab/web/templates"
)

// figuresPagePath is the page of the paper's figures.
const figuresPagePath = "/figures"

// figureSections are the figures of the page, in the paper's order: what
// each shows, in words that hold whatever the numbers are (the captions
// under them are generated from the numbers).
var figureSections = []templates.FigureSection{
	{
		ID:    figureEnergy,
		Title: figureSpecs[figureEnergy].title,
		About: "The energy over feature space of 2 and 4 memories for softmax, 1.5-entmax and sparsemax, " +
			"before U-Hop+ (N = 0: the raw memories, no feature map) and after N = 1, 2 and 5 of its steps from the authors' initial map. " +
			"Dark is low energy; the squares are the memories, on the unit circle of feature space.",
		Fidelity:     true,
		Explorer:     "Each row as a live scenario at its iteration: the same memories, initial map and settings, to step, play and probe.",
		ExplorerGrid: explorerGridNote("pictures"),
	},
	{
		ID:    figureBasins,
		Title: figureSpecs[figureBasins].title,
		About: "Where each query of a grid around 5 memories ends after 5 retrieval steps: in a memory's colour when it ends " +
			"within 0.001 of that memory, white when it ends near no single memory (a metastable mixture, or not yet converged). " +
			"Rows: no feature map (N = 0), then N = 1, 2 and 5 U-Hop+ steps from the authors' initial map.",
		Explorer:     "Each row as a live scenario at its iteration, showing the basins.",
		ExplorerGrid: explorerGridNote("white shares"),
	},
	{
		ID:    figureProp31,
		Title: figureSpecs[figureProp31].title,
		About: "The separation Δmin = 1 − cos θ of the best known codes of M points on the sphere in 3-D (the Tammes problem), " +
			"between the lower and upper bounds of Prop. 3.1, on a log scale. Filled dots are proven optimal, open ones only best known.",
		Explorer: "The explorer is two-dimensional, so it shows the 2-D counterpart: M memories crowded on a 90° arc, which U-Hop+ spreads " +
			"towards the optimal 2-D code, the regular M-gon (dashed in its angle chart); press play.",
	},
}

// explorerGridNote says how the explorer's views of a row compare with
// the figure's panels (what names what differs: "white shares"): the
// links carry the figure's grid, so the explorer's input view of the row
// N = 0 (the identity map, where input and feature space are one) is the
// figure's panel, cell for cell; its feature view keeps a fixed box
// (docs/protocol.md, "Views"), unlike the figure's rows N ≥ 1.
func explorerGridNote(what string) string {
	return fmt.Sprintf("The explorer takes the figure's grid (its cells, the box of the memories ± %g): row N = 0 opens as the figure's panel, cell for cell, in its input view. "+
		"From N = 1 on, the figure is drawn on the box of the feature memories ± %g, while the explorer's feature view keeps its fixed box around the unit circle, so its %s differ.",
		figureMargin, figureMargin, what)
}

// handleFiguresPage serves the page of the paper's figures. The page
// runs each figure as a job (POST /api/v1/jobs, kind "figure").
func (s *server) handleFiguresPage(w http.ResponseWriter, r *http.Request) {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	s.renderPage(w, r, "figures", templates.Figures(templates.FiguresView{
		Title:        "hoplab: the paper's figures, computed live",
		ExplorerPath: explorerPath,
		AboutPath:    aboutPath,
		JobsPath:     jobsPath,
		FiguresURL:   scheme + "://" + r.Host + figuresPath,
		Figures:      figureSections,
	}))
}
