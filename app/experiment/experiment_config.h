// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/experiment/solver_table.h"
#include "core/model/problem_config.h"
#include "core/train/train_config.h"

#include <QByteArray>
#include <QJsonObject>
#include <QMetaType>
#include <QString>

#include <cstdint>
#include <optional>
#include <vector>

namespace sl::app {

// A grid of sample sizes: `points` values from `from` to `to`, log-spaced (default) or linear.
struct GridSpec {
    double from = 0;
    double to = 0;
    int points = 0;
    bool log = true;
    bool operator==(const GridSpec& o) const
    {
        return from == o.from && to == o.to && points == o.points && log == o.log;
    }
};

// The optional sweep: a grid over n (samples) or over n_eff (docs/theory/models.md §5), times a list of weight decays
// λ. The seeds are the experiment's own seed list.
struct SweepSpec {
    enum class Axis { None, Samples, EffectiveSamples };
    Axis axis = Axis::None;
    GridSpec grid;
    std::vector<double> weightDecays;  // empty: the problem's own λ
    bool isEmpty() const { return axis == Axis::None && weightDecays.empty(); }
    bool operator==(const SweepSpec& o) const
    {
        return axis == o.axis && (axis == Axis::None || grid == o.grid) && weightDecays == o.weightDecays;
    }
};

// A validation failure: `key` is the JSON path of the offending field ("problem.dimension", "sweep.n.points",
// "seeds[2]"), `message` says what is wrong in words a user understands.
struct ConfigError {
    QString key;
    QString message;
    QString text() const { return key.isEmpty() ? message : key + QStringLiteral(": ") + message; }
};

// One experiment, the unit the runner, the sweeps, the store and the CLI exchange. Its JSON (schema
// "scalinglab.experiment", version 1) is complete: a run is reproducible from its JSON alone.
//
//   {"schema": "scalinglab.experiment", "version": 1,
//    "problem": {"model", "dimension", "width", "samples", "weight_decay", "gamma", "noise", "amplitudes", "seed"},
//    "solver": "lbfgs" | "gd" | "adam" | "convex",   (the names of the solver table, solver_table.h)
//    "train": {"max_iterations", "gradient_tolerance", "loss_change_tolerance", "learning_rate", "momentum",
//              "snapshot_interval", "init_scale", "lbfgs_memory", "lbfgs_max_line_search", "adam_beta1",
//              "adam_beta2", "adam_epsilon", "divergence_factor"},
//    "seeds": [1, 2, 3] | 3,                      (a count c means problem.seed, ..., problem.seed + c − 1)
//    "sweep": {"n" | "n_eff": {"from", "to", "points", "log"}, "weight_decays": [...]},
//    "certificate": false, "tail_fit": true, "decompose": true, "prune": true}
//
// "decompose" and "prune" (the error decomposition and post-hoc pruning of docs/theory/decomposition.md) are
// written only when true, so configurations without them keep their hash.
//
// Missing train fields take TrainConfig::defaults(solver) (the "follow-up code defaults", docs/theory/models.md §7);
// the optimiser is set by "solver" alone, so the two can never disagree. For "convex", train.max_iterations bounds the
// convex solver's sweeps (a choice of ours, (inferred)).
struct ExperimentConfig {
    static constexpr const char* kSchema = "scalinglab.experiment";
    static constexpr int kVersion = 1;

    sl::ProblemConfig problem;
    Solver solver = Solver::Lbfgs;
    sl::TrainConfig train = sl::TrainConfig::defaults(sl::Optimizer::Lbfgs);
    std::vector<std::uint64_t> seedList;  // explicit seeds; when empty, seedCount seeds from problem.seed
    int seedCount = 1;
    SweepSpec sweep;
    bool certificate = false;
    bool tailFit = true;
    bool decompose = false;  // measured + predicted error decomposition (docs/theory/decomposition.md)
    bool prune = false;  // post-hoc pruned excess risk, measured + predicted

    // Throws sl::ValidationError whose parameter() is the JSON key path.
    void validate() const;
    // Checked parse: nullopt with *error set on the first problem (unknown key, wrong type, out of range, newer
    // version).
    static std::optional<ExperimentConfig> fromJson(const QJsonObject& json, ConfigError* error = nullptr);
    static std::optional<ExperimentConfig> fromJsonText(const QByteArray& text, ConfigError* error = nullptr);
    // Every field, defaults included; "seeds" and "sweep" only when they say more than the problem's own values.
    QJsonObject toJson() const;
    // Compact JSON with sorted keys (QJsonObject sorts them): the form that is hashed.
    QByteArray canonicalJson() const;
    // SHA-256 (hex) of canonicalJson(): identifies the configuration, e.g. to find a stored run.
    QString hash() const;

    // The seeds this experiment runs: seedList, or problem.seed + k for k < seedCount.
    std::vector<std::uint64_t> seeds() const;
    // The sample sizes of the sweep's grid (integers, ascending, duplicates removed); {problem.samples} without one.
    std::vector<long long> sampleGrid() const;
    std::vector<double> weightDecays() const;
    // More than one run (several seeds, n values or λ values).
    bool isSweep() const;
    // The single runs this experiment expands to, n outermost, then λ, then seed: each has no sweep and one seed
    // (its problem.seed), so its hash() identifies that run alone.
    std::vector<ExperimentConfig> points() const;

    bool operator==(const ExperimentConfig& other) const;
    bool operator!=(const ExperimentConfig& other) const { return !(*this == other); }
};

}  // namespace sl::app

Q_DECLARE_METATYPE(sl::app::ExperimentConfig)
