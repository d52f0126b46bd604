<?xml version="1.0"?>
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:str="http://exslt.org/strings" extension-element-prefixes="str">
<xsl:output method="text"/>
<xsl:template match="/"><xsl:for-each select="//book"><xsl:sort select="year" data-type="number"/><xsl:value-of select="@id"/>: <xsl:value-of select="str:padding(3, '.')"/><xsl:value-of select="title"/> (<xsl:value-of select="year"/>)
</xsl:for-each></xsl:template>
</xsl:stylesheet>
