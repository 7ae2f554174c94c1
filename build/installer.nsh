; "Open with Unshake" on Windows (nsis.include in build/electron-builder.yml). electron-builder's own
; fileAssociations (APP_ASSOCIATE) set each extension's default value to its class, which makes the
; app the double-click default for a type nobody has chosen, and its uninstall deletes the class but
; leaves the extension pointing at it. Here Unshake only adds itself to each extension's
; OpenWithProgids under its own ProgIDs (Unshake.<TYPE>), never touches an extension's default value,
; and removes exactly what it wrote. SHELL_CONTEXT is HKCU or HKLM as the install is per user or
; per machine. The extensions are model/src/image/photo-files.ts's, less HEIC/HEIF and GIF
; (test/unit/build/windows-open-with.test.ts keeps them in step).

!macro customInstall
  WriteRegStr SHELL_CONTEXT "Software\Classes\Unshake.JPEG" "" "JPEG photo"
  WriteRegStr SHELL_CONTEXT "Software\Classes\Unshake.JPEG" "FriendlyTypeName" "JPEG photo"
  WriteRegStr SHELL_CONTEXT "Software\Classes\Unshake.JPEG\DefaultIcon" "" "$INSTDIR\${APP_EXECUTABLE_FILENAME},0"
  WriteRegStr SHELL_CONTEXT "Software\Classes\Unshake.JPEG\shell\open\command" "" '"$INSTDIR\${APP_EXECUTABLE_FILENAME}" "%1"'
  WriteRegStr SHELL_CONTEXT "Software\Classes\.jpg\OpenWithProgids" "Unshake.JPEG" ""
  WriteRegStr SHELL_CONTEXT "Software\Classes\.jpeg\OpenWithProgids" "Unshake.JPEG" ""
  WriteRegStr SHELL_CONTEXT "Software\Classes\.jpe\OpenWithProgids" "Unshake.JPEG" ""
  WriteRegStr SHELL_CONTEXT "Software\Classes\Unshake.PNG" "" "PNG image"
  WriteRegStr SHELL_CONTEXT "Software\Classes\Unshake.PNG" "FriendlyTypeName" "PNG image"
  WriteRegStr SHELL_CONTEXT "Software\Classes\Unshake.PNG\DefaultIcon" "" "$INSTDIR\${APP_EXECUTABLE_FILENAME},0"
  WriteRegStr SHELL_CONTEXT "Software\Classes\Unshake.PNG\shell\open\command" "" '"$INSTDIR\${APP_EXECUTABLE_FILENAME}" "%1"'
  WriteRegStr SHELL_CONTEXT "Software\Classes\.png\OpenWithProgids" "Unshake.PNG" ""
  WriteRegStr SHELL_CONTEXT "Software\Classes\Unshake.TIFF" "" "TIFF image"
  WriteRegStr SHELL_CONTEXT "Software\Classes\Unshake.TIFF" "FriendlyTypeName" "TIFF image"
  WriteRegStr SHELL_CONTEXT "Software\Classes\Unshake.TIFF\DefaultIcon" "" "$INSTDIR\${APP_EXECUTABLE_FILENAME},0"
  WriteRegStr SHELL_CONTEXT "Software\Classes\Unshake.TIFF\shell\open\command" "" '"$INSTDIR\${APP_EXECUTABLE_FILENAME}" "%1"'
  WriteRegStr SHELL_CONTEXT "Software\Classes\.tif\OpenWithProgids" "Unshake.TIFF" ""
  WriteRegStr SHELL_CONTEXT "Software\Classes\.tiff\OpenWithProgids" "Unshake.TIFF" ""
  WriteRegStr SHELL_CONTEXT "Software\Classes\Unshake.WebP" "" "WebP image"
  WriteRegStr SHELL_CONTEXT "Software\Classes\Unshake.WebP" "FriendlyTypeName" "WebP image"
  WriteRegStr SHELL_CONTEXT "Software\Classes\Unshake.WebP\DefaultIcon" "" "$INSTDIR\${APP_EXECUTABLE_FILENAME},0"
  WriteRegStr SHELL_CONTEXT "Software\Classes\Unshake.WebP\shell\open\command" "" '"$INSTDIR\${APP_EXECUTABLE_FILENAME}" "%1"'
  WriteRegStr SHELL_CONTEXT "Software\Classes\.webp\OpenWithProgids" "Unshake.WebP" ""
  WriteRegStr SHELL_CONTEXT "Software\Classes\Unshake.AVIF" "" "AVIF image"
  WriteRegStr SHELL_CONTEXT "Software\Classes\Unshake.AVIF" "FriendlyTypeName" "AVIF image"
  WriteRegStr SHELL_CONTEXT "Software\Classes\Unshake.AVIF\DefaultIcon" "" "$INSTDIR\${APP_EXECUTABLE_FILENAME},0"
  WriteRegStr SHELL_CONTEXT "Software\Classes\Unshake.AVIF\shell\open\command" "" '"$INSTDIR\${APP_EXECUTABLE_FILENAME}" "%1"'
  WriteRegStr SHELL_CONTEXT "Software\Classes\.avif\OpenWithProgids" "Unshake.AVIF" ""
  ; Explorer rereads the associations now, not at the next sign-in.
  System::Call 'shell32::SHChangeNotify(i, i, i, i) v (0x08000000, 0, 0, 0)'
!macroend

!macro customUnInstall
  DeleteRegValue SHELL_CONTEXT "Software\Classes\.jpg\OpenWithProgids" "Unshake.JPEG"
  DeleteRegValue SHELL_CONTEXT "Software\Classes\.jpeg\OpenWithProgids" "Unshake.JPEG"
  DeleteRegValue SHELL_CONTEXT "Software\Classes\.jpe\OpenWithProgids" "Unshake.JPEG"
  DeleteRegKey SHELL_CONTEXT "Software\Classes\Unshake.JPEG"
  DeleteRegValue SHELL_CONTEXT "Software\Classes\.png\OpenWithProgids" "Unshake.PNG"
  DeleteRegKey SHELL_CONTEXT "Software\Classes\Unshake.PNG"
  DeleteRegValue SHELL_CONTEXT "Software\Classes\.tif\OpenWithProgids" "Unshake.TIFF"
  DeleteRegValue SHELL_CONTEXT "Software\Classes\.tiff\OpenWithProgids" "Unshake.TIFF"
  DeleteRegKey SHELL_CONTEXT "Software\Classes\Unshake.TIFF"
  DeleteRegValue SHELL_CONTEXT "Software\Classes\.webp\OpenWithProgids" "Unshake.WebP"
  DeleteRegKey SHELL_CONTEXT "Software\Classes\Unshake.WebP"
  DeleteRegValue SHELL_CONTEXT "Software\Classes\.avif\OpenWithProgids" "Unshake.AVIF"
  DeleteRegKey SHELL_CONTEXT "Software\Classes\Unshake.AVIF"
  System::Call 'shell32::SHChangeNotify(i, i, i, i) v (0x08000000, 0, 0, 0)'
!macroend
