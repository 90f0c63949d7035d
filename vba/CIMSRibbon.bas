Attribute VB_Name = "CIMSRibbon"
' Ribbon callbacks for the CIMS tab (vba/customUI14.xml).
' VBA holds no logic: every button is one line into Python, where
' cims_xl.excel.ribbon.dispatch(control_id) does the work. This module is the
' source of truth; workbook/cims.xlsm is built from it by cims_xl/excel/build.py.
Option Explicit

Private mRibbon As IRibbonUI

' Keeps the ribbon handle so Python can ask for labels to be redrawn after sign-in.
Public Sub CIMS_OnLoad(ribbon As IRibbonUI)
    Set mRibbon = ribbon
End Sub

Public Sub CIMS_OnAction(control As IRibbonControl)
    RunPython "import cims_xl.excel.ribbon as r; r.dispatch('" & control.ID & "')"
End Sub

' Called from Python (wb.macro("CIMS_InvalidateRibbon")()); a no-op before the ribbon loaded.
Public Sub CIMS_InvalidateRibbon()
    If Not mRibbon Is Nothing Then mRibbon.Invalidate
End Sub
