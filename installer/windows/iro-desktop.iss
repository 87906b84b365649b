; Inno Setup 6 script for iro-desktop on Windows (x64). Not built on the Linux machine this was written on.
; Build on Windows, from the repository root, after `pyinstaller --noconfirm installer\iro-desktop.spec`:
;   "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" installer\windows\iro-desktop.iss
; Signed (no certificate detail lives here: the certificate is named by its thumbprint on the command line):
;   1. Every PE file in the bundle (.exe, .dll, .pyd), not only the launchers; files their makers signed keep
;      that signature:
;      py -3 installer\windows\sign_pe_files.py dist\iro-desktop --cert-sha1 <thumbprint> ^
;         --timestamp-url http://timestamp.digicert.com
;   2. The setup program and the uninstaller, through ISCC's SignTool:
;      ISCC.exe "/Ssigntool=signtool.exe sign /fd SHA256 /tr http://timestamp.digicert.com /td SHA256 /sha1 <thumbprint> /d iro-desktop $f" ^
;               /DSign installer\windows\iro-desktop.iss
;   With /DSign, ISCC first checks every PE file in the bundle (sign_pe_files.py --verify-only) and stops,
;   naming the files, if any is unsigned. /DPython="C:\path\to\python.exe" if the py launcher is not installed.
; Installs per user by default (no administrator rights); IT can install for all users with /ALLUSERS, e.g.
;   iro-desktop-0.1.0-setup.exe /VERYSILENT /ALLUSERS /SUPPRESSMSGBOXES /NORESTART
; Upgrades keep the IRO's data. The fixed AppId below makes a new version's setup replace the installed program
; in place (closing the app first: CloseApplications). The store, its key, settings and logs are in
; %LOCALAPPDATA%\iro-desktop, outside {app}, so neither an upgrade nor the uninstaller touches them. The new
; version updates the store's tables the first time it is unlocked, in one transaction. Never change the AppId.

#define Bundle "..\..\dist\iro-desktop"
; The version comes from the version resource the spec writes into iro-desktop.exe (from iro_desktop.__version__).
#define AppVersion GetStringFileInfo(Bundle + "\iro-desktop.exe", "ProductVersion")
#if AppVersion == ""
  #error "No version in dist\iro-desktop\iro-desktop.exe: build the bundle with installer\iro-desktop.spec first."
#endif
#ifdef Sign
  #ifndef Python
    #define Python "py -3"
  #endif
  #if Exec(">", Python + " sign_pe_files.py --verify-only """ + Bundle + """", SourcePath, 1, SW_HIDE) != 0
    #error "A PE file in dist\iro-desktop is not signed (see the Exec output above): run sign_pe_files.py first."
  #endif
#endif

[Setup]
AppId={{6F1B3C2A-7D4E-4F59-9C1A-2B8E5D0A9F31}
AppName=iro-desktop
AppVersion={#AppVersion}
AppVerName=iro-desktop {#AppVersion}
AppPublisher=iro-desktop
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\iro-desktop
DefaultGroupName=iro-desktop
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog commandline
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\..\dist
OutputBaseFilename=iro-desktop-{#AppVersion}-setup
SetupIconFile=..\icons\iro-desktop.ico
UninstallDisplayIcon={app}\iro-desktop-app.exe
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes
#ifdef Sign
SignTool=signtool
SignedUninstaller=yes
#endif

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Files]
Source: "{#Bundle}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; An upgrade replaces the bundle, never leaving files of the previous version mixed in.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{group}\iro-desktop"; Filename: "{app}\iro-desktop-app.exe"; Parameters: "gui"; \
    Comment: "Prepare, chair and record looked after children's reviews"
Name: "{group}\Check iro-desktop is working"; Filename: "{cmd}"; \
    Parameters: "/k ""{app}\iro-desktop.exe"" self-test"; Comment: "Shows a demo caseload once and reports"

[Run]
Filename: "{app}\iro-desktop-app.exe"; Parameters: "gui"; Description: "Open iro-desktop now"; \
    Flags: nowait postinstall skipifsilent

; The uninstaller removes the program only. The IRO's encrypted store and backups (in %LOCALAPPDATA%\iro-desktop
; and wherever backups were chosen to go) are never removed by it.
