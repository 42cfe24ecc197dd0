// SPDX-License-Identifier: GPL-3.0-or-later
#include "scalinglab/version.h"
#include "ui/main_window.h"

#include <QApplication>
#include <QCommandLineParser>

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName("Scaling Lab");
    QApplication::setOrganizationName("ScalingLab");
    QApplication::setApplicationVersion(sl::kVersion);

    QCommandLineParser parser;
    parser.setApplicationDescription("Scaling Lab: scaling laws and weight spectra of shallow networks");
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption store("store", "Results store (SQLite file); '-' keeps results in memory only.", "path");
    QCommandLineOption session("session", "Open a saved session file.", "file");
    QCommandLineOption preset("preset", "Load a preset by id (e.g. fig3-quadratic-unit) and run it.", "id");
    parser.addOptions({store, session, preset});
    parser.process(app);

    sl::ui::MainWindow window(parser.value(store));
    window.show();
    if (parser.isSet(session))
        window.openSession(parser.value(session));
    if (parser.isSet(preset)) {
        const sl::app::PresetLibrary presets;
        if (const sl::app::Preset* p = presets.find(parser.value(preset)))
            window.applyPreset(*p);
    }
    return app.exec();
}
