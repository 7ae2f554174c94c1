; "Open with Unshake" on Windows (nsis.include in build/electron-builder.yml). electron-builder's own
; fileAssociations (APP_ASSOCIATE) set each extension's default value to its class, which makes the
; app the double-click default for a type nobody has chosen, and its uninstall deletes the class but
; leaves the extension pointing at it. Here Unshake only adds itself to each extension's
; OpenWithProgids under its own ProgIDs (Unshake.<TYPE>), never touches an extension's default value,
; and removes exactly what it wrote. SHELL_CONTEXT is HKCU or HKLM as the install is per user or
; per machine. The extensions are model/src/image/photo-files.ts's, less HEIC/HEIF and GIF
; (test/unit/build/windows-open-with.test.ts keeps them in step).

; One ProgID of Unshake's: its name in Explorer, the app's icon, and the command that opens a photo.
!macro UnshakeProgId PROGID NAME
  WriteRegStr SHELL_CONTEXT "Software\Classes\${PROGID}" "" "${NAME}"
  WriteRegStr SHELL_CONTEXT "Software\Classes\${PROGID}" "FriendlyTypeName" "${NAME}"
  WriteRegStr SHELL_CONTEXT "Software\Classes\${PROGID}\DefaultIcon" "" "$INSTDIR\${APP_EXECUTABLE_FILENAME},0"
  WriteRegStr SHELL_CONTEXT "Software\Classes\${PROGID}\shell\open\command" "" '"$INSTDIR\${APP_EXECUTABLE_FILENAME}" "%1"'
!macroend

; Unshake in an extension's Open with list, under that ProgID; the extension's default is left alone.
!macro UnshakeOpenWith EXT PROGID
  WriteRegStr SHELL_CONTEXT "Software\Classes\.${EXT}\OpenWithProgids" "${PROGID}" ""
!macroend

!macro UnshakeNoOpenWith EXT PROGID
  DeleteRegValue SHELL_CONTEXT "Software\Classes\.${EXT}\OpenWithProgids" "${PROGID}"
!macroend

!macro customInstall
  !insertmacro UnshakeProgId Unshake.JPEG "JPEG photo"
  !insertmacro UnshakeOpenWith jpg Unshake.JPEG
  !insertmacro UnshakeOpenWith jpeg Unshake.JPEG
  !insertmacro UnshakeOpenWith jpe Unshake.JPEG
  !insertmacro UnshakeProgId Unshake.PNG "PNG image"
  !insertmacro UnshakeOpenWith png Unshake.PNG
  !insertmacro UnshakeProgId Unshake.TIFF "TIFF image"
  !insertmacro UnshakeOpenWith tif Unshake.TIFF
  !insertmacro UnshakeOpenWith tiff Unshake.TIFF
  !insertmacro UnshakeProgId Unshake.WebP "WebP image"
  !insertmacro UnshakeOpenWith webp Unshake.WebP
  !insertmacro UnshakeProgId Unshake.AVIF "AVIF image"
  !insertmacro UnshakeOpenWith avif Unshake.AVIF
  ; Explorer rereads the associations now, not at the next sign-in.
  System::Call 'shell32::SHChangeNotify(i, i, i, i) v (0x08000000, 0, 0, 0)'
!macroend

!macro customUnInstall
  !insertmacro UnshakeNoOpenWith jpg Unshake.JPEG
  !insertmacro UnshakeNoOpenWith jpeg Unshake.JPEG
  !insertmacro UnshakeNoOpenWith jpe Unshake.JPEG
  DeleteRegKey SHELL_CONTEXT "Software\Classes\Unshake.JPEG"
  !insertmacro UnshakeNoOpenWith png Unshake.PNG
  DeleteRegKey SHELL_CONTEXT "Software\Classes\Unshake.PNG"
  !insertmacro UnshakeNoOpenWith tif Unshake.TIFF
  !insertmacro UnshakeNoOpenWith tiff Unshake.TIFF
  DeleteRegKey SHELL_CONTEXT "Software\Classes\Unshake.TIFF"
  !insertmacro UnshakeNoOpenWith webp Unshake.WebP
  DeleteRegKey SHELL_CONTEXT "Software\Classes\Unshake.WebP"
  !insertmacro UnshakeNoOpenWith avif Unshake.AVIF
  DeleteRegKey SHELL_CONTEXT "Software\Classes\Unshake.AVIF"
  System::Call 'shell32::SHChangeNotify(i, i, i, i) v (0x08000000, 0, 0, 0)'
!macroend
