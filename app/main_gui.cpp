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
    // Not "--session": QGuiApplication takes -session/--session out of argv for desktop session management before
    // the parser sees it, so such an option would be silently ignored.
    QCommandLineOption session(QStringList{"o", "open"}, "Open a saved session file.", "file");
    QCommandLineOption preset("preset", "Load a preset by id (e.g. fig3-quadratic-unit) and run it.", "id");
    parser.addOptions({store, session, preset});
    parser.addPositionalArgument("session", "A saved session file to open (the same as --open).", "[session]");
    parser.process(app);
    QString sessionPath = parser.value(session);
    if (sessionPath.isEmpty() && !parser.positionalArguments().isEmpty())
        sessionPath = parser.positionalArguments().constFirst();

    sl::ui::MainWindow window(parser.value(store));
    window.show();
    if (!sessionPath.isEmpty())
        window.openSession(sessionPath);
    if (parser.isSet(preset)) {
        const sl::app::PresetLibrary presets;
        if (const sl::app::Preset* p = presets.find(parser.value(preset)))
            window.applyPreset(*p);
    }
    return app.exec();
}
